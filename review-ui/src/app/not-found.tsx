import Link from 'next/link';

export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        That page or review does not exist. <Link href="/queue">Go to the queue</Link>.
      </p>
    </>
  );
}
