'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { ConflictBody, DecisionAction, DecisionInput } from '@handoff/contracts';
import { isTyping, writes } from '../lib/browser';
import { DraftDiff } from './DraftDiff';

type Mode = 'edit' | 'confirm' | 'reject' | 'redraft';
type Outcome = { kind: 'done' | 'conflict' | 'error'; message: string } | null;

interface Props {
  reviewId: string;
  draft: string;
  redraftsRemaining: number;
}

function conflictMessage(conflict: ConflictBody | null): string {
  if (conflict?.superseded) {
    return 'The customer wrote again, so this review was closed and your decision was not sent. A new draft answers the whole conversation.';
  }
  const decision = conflict?.decision;
  const who = decision?.actor ? ` by ${decision.actor}` : '';
  const how = decision?.surface ? ` via ${decision.surface}` : '';
  const what = decision?.action ? ` (${decision.action})` : '';
  return `Someone else already decided this review${who}${how}${what}. Your decision was not sent; there is nothing left to send here.`;
}

/** Approve, edit then approve (with a diff first), reject with a reason, or ask for a redraft. */
export function DecisionPanel({ reviewId, draft, redraftsRemaining }: Props) {
  const router = useRouter();
  const [text, setText] = useState(draft);
  const [mode, setMode] = useState<Mode>('edit');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const editor = useRef<HTMLTextAreaElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const edited = text.trim() !== draft.trim();

  // Back from a sub-form (Esc or Cancel), focus returns to the button that opened it, or to the editor
  // from the diff check, so keyboard users are not dropped at the top of the page.
  const opener = useRef<{ reject?: HTMLButtonElement | null; redraft?: HTMLButtonElement | null }>({});
  const rememberOpener = (which: 'reject' | 'redraft') => (button: HTMLButtonElement | null) => {
    opener.current[which] = button;
  };
  const previousMode = useRef<Mode>(mode);
  useEffect(() => {
    const previous = previousMode.current;
    previousMode.current = mode;
    if (mode === 'confirm') confirmButton.current?.focus();
    else if (mode === 'edit' && previous !== 'edit') {
      (previous === 'confirm' ? editor.current : opener.current[previous])?.focus();
    }
  }, [mode]);

  async function decide(input: DecisionInput) {
    setBusy(true);
    const result = await writes.decide(reviewId, input);
    setBusy(false);
    if (result.status === 409) {
      setOutcome({ kind: 'conflict', message: conflictMessage(result.conflict) });
      return;
    }
    if (!result.ok) {
      setOutcome({ kind: 'error', message: result.status === 422 ? `Not allowed: ${result.message}` : result.message });
      return;
    }
    const done: Record<Exclude<DecisionAction, 'recategorise'>, string> = {
      approve: 'Approved. The reply is on its way.',
      edit: 'Approved with your edits. The reply is on its way.',
      reject: 'Rejected. No reply will be sent.',
      redraft: 'Redraft requested. The new draft will appear on this page.',
    };
    setOutcome({ kind: 'done', message: done[input.action] });
    router.refresh();
  }

  function approve() {
    if (busy) return;
    if (edited) setMode('confirm');
    else void decide({ action: 'approve' });
  }

  const approveRef = useRef(approve);
  approveRef.current = approve;

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      // Esc works from inside the reason or feedback field too: that is where focus is while they are open.
      if (event.key === 'Escape' && !outcome) {
        setMode('edit');
        return;
      }
      if (isTyping(event) || outcome) return;
      const actions: Record<string, () => void> = {
        a: () => approveRef.current(),
        e: () => {
          setMode('edit');
          editor.current?.focus();
        },
        r: () => setMode('reject'),
        d: () => {
          if (redraftsRemaining > 0) setMode('redraft');
        },
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [outcome, redraftsRemaining]);

  if (outcome && outcome.kind !== 'error') {
    return (
      <div
        className={outcome.kind === 'conflict' ? 'notice conflict' : 'notice ok'}
        role={outcome.kind === 'conflict' ? 'alert' : 'status'}
      >
        <p>{outcome.message}</p>
        {outcome.kind === 'conflict' ? (
          <button type="button" className="secondary" onClick={() => router.refresh()}>
            Show the decision
          </button>
        ) : null}
      </div>
    );
  }

  return (
    <div className="decision">
      <label htmlFor="reply-editor">Reply to send (AI draft; edit freely)</label>
      <textarea
        id="reply-editor"
        ref={editor}
        value={text}
        onChange={(event) => setText(event.target.value)}
        rows={14}
      />
      <p className="muted" aria-live="polite">
        {edited ? 'You have edited the draft: you will see the changes before sending.' : 'Unchanged AI draft.'}
      </p>
      {outcome?.kind === 'error' ? (
        <p className="error" role="alert">
          {outcome.message}
        </p>
      ) : null}

      {mode === 'confirm' ? (
        <section className="confirm" aria-labelledby="confirm-heading">
          <h3 id="confirm-heading">Check your changes before sending</h3>
          <DraftDiff
            before={draft}
            after={text}
            label="Changes from the AI draft: removed text is struck through, added text underlined"
          />
          <div className="actions">
            <button
              type="button"
              ref={confirmButton}
              disabled={busy}
              onClick={() => void decide({ action: 'edit', text })}
            >
              Send edited reply
            </button>
            <button type="button" className="secondary" onClick={() => setMode('edit')}>
              Keep editing
            </button>
          </div>
        </section>
      ) : null}

      {mode === 'reject' ? (
        <NoteForm
          label="Why reject? (no reply will be sent)"
          name="reason"
          submitLabel="Reject"
          submitClass="danger"
          busy={busy}
          onSubmit={(reason) => void decide({ action: 'reject', reason })}
          onCancel={() => setMode('edit')}
        />
      ) : null}

      {mode === 'redraft' ? (
        <NoteForm
          label="What should the new draft do differently?"
          name="feedback"
          submitLabel="Request redraft"
          busy={busy}
          onSubmit={(feedback) => void decide({ action: 'redraft', feedback })}
          onCancel={() => setMode('edit')}
        />
      ) : null}

      {mode === 'edit' ? (
        <div className="actions">
          <button type="button" onClick={approve} disabled={busy} aria-keyshortcuts="a">
            {edited ? 'Review changes and send' : 'Approve and send'}
          </button>
          <button
            type="button"
            className="secondary"
            ref={rememberOpener('reject')}
            onClick={() => setMode('reject')}
            aria-keyshortcuts="r"
          >
            Reject…
          </button>
          <button
            type="button"
            className="secondary"
            ref={rememberOpener('redraft')}
            onClick={() => setMode('redraft')}
            disabled={redraftsRemaining === 0}
            aria-keyshortcuts="d"
          >
            Request redraft… ({redraftsRemaining} left)
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** The reason for a rejection or the feedback for a redraft: one required note, then submit or cancel. */
function NoteForm(props: {
  label: string;
  name: string;
  submitLabel: string;
  submitClass?: string;
  busy: boolean;
  onSubmit: (note: string) => void;
  onCancel: () => void;
}) {
  const note = useRef<HTMLTextAreaElement>(null);
  useEffect(() => note.current?.focus(), []);
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(note.current?.value ?? '');
      }}
    >
      <label>
        {props.label}
        <textarea ref={note} name={props.name} rows={3} required />
      </label>
      <div className="actions">
        <button type="submit" className={props.submitClass} disabled={props.busy}>
          {props.submitLabel}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
