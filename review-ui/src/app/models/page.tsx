import { ModelVersions } from '../../components/ModelVersions';
import { api, requireSession } from '../../lib/api';

/** The offline model's versions: what each learned from, how it scored against the active one, and why it was kept. */
export default async function ModelsPage() {
  const me = await requireSession();
  const models = await api.models();
  return (
    <>
      <h1>Models</h1>
      <p>
        The offline model retrains from your reviewers&apos; labels (unedited approvals and category corrections):
        collect → train → evaluate → register → promote. A candidate goes live only if it beats the active model on the
        most recent labelled runs it never trained on, without a category&apos;s recall dropping. Version{' '}
        <strong>{models.active}</strong> is active; this server classifies with version{' '}
        <strong>{models.serving}</strong>.
      </p>
      <ModelVersions models={models} admin={me.role === 'admin'} />
    </>
  );
}
