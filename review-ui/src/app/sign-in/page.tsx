import { redirect } from 'next/navigation';
import { SignInForm } from '../../components/SignInForm';
import { getSession } from '../../lib/api';
import { safeNextPath } from '../../lib/safe-next';

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const requested = (await searchParams).next;
  const next = safeNextPath(Array.isArray(requested) ? requested[0] : requested);
  if (await getSession()) redirect(next);
  return (
    <section className="narrow" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in</h1>
      <SignInForm next={next} />
    </section>
  );
}
