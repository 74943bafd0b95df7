import { redirect } from 'next/navigation';
import { SignInForm } from '../../components/SignInForm';
import { getSession } from '../../lib/api';

function safeNext(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  // Only same-site paths: never an absolute URL or a protocol-relative one.
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/queue';
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNext((await searchParams).next);
  if (await getSession()) redirect(next);
  return (
    <section className="narrow" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in</h1>
      <SignInForm next={next} />
    </section>
  );
}
