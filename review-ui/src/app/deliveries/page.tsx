import { UncertainDeliveries } from '../../components/UncertainDeliveries';
import { api, requireSession } from '../../lib/api';

/** The operator queue: replies whose outcome is unknown, to be resent or marked sent (admins only). */
export default async function DeliveriesPage() {
  const me = await requireSession();
  if (me.role !== 'admin') {
    return (
      <>
        <h1>Uncertain deliveries</h1>
        <p role="alert">Only administrators can resolve uncertain deliveries.</p>
      </>
    );
  }
  const { items } = await api.uncertainDeliveries();
  return (
    <>
      <h1>Uncertain deliveries</h1>
      <p>
        A worker stopped after handing these replies to the receiver and before it heard back, so nobody knows whether
        the customer has them. Check the mailbox or channel for the Message-ID, then resend (same Message-ID) or mark
        the reply sent. Each run stays open until you do.
      </p>
      <UncertainDeliveries deliveries={items} />
    </>
  );
}
