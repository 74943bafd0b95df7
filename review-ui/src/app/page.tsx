import { redirect } from 'next/navigation';
import { requireSession } from '../lib/api';

export default async function HomePage() {
  await requireSession();
  redirect('/queue');
}
