import { ReviewerAdmin } from '../../components/ReviewerAdmin';
import { api, requireSession } from '../../lib/api';

export default async function AdminPage() {
  const me = await requireSession();
  if (me.role !== 'admin') {
    return (
      <>
        <h1>Reviewers</h1>
        <p role="alert">Only administrators can manage reviewers.</p>
      </>
    );
  }
  const { items } = await api.reviewers();
  return (
    <>
      <h1>Reviewers</h1>
      <ReviewerAdmin reviewers={items} meId={me.id} />
    </>
  );
}
