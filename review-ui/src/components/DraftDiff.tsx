import { diffWords } from 'diff';

/** Word-level difference between the AI draft and the text a reviewer is about to send. */
export function DraftDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const parts = diffWords(before, after);
  return (
    <div className="diff" role="group" aria-label={label}>
      {parts.map((part, index) =>
        part.added ? (
          <ins key={index}>{part.value}</ins>
        ) : part.removed ? (
          <del key={index}>{part.value}</del>
        ) : (
          <span key={index}>{part.value}</span>
        ),
      )}
    </div>
  );
}
