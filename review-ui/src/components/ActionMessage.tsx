/** The outcome of an admin action: announced politely when it worked, as an alert when it did not. */
export type ActionOutcome = { ok: boolean; text: string };

export function ActionMessage({ message }: { message: ActionOutcome | null }) {
  if (!message) return null;
  return (
    <p className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
      {message.text}
    </p>
  );
}
