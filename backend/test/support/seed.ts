import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';

export const SEED_CATEGORIES = ['billing', 'order_status', 'complaint', 'technical', 'refund', 'shipping'];

export interface SeedOptions {
  count: number;
  status?: 'pending' | 'redrafting' | 'decided';
  /** Added to the row number, so several batches get distinct senders and subjects. */
  offset?: number;
}

/**
 * Inserts `count` events, runs and review tasks in one statement with
 * generate_series: row g is from customer<g>@example.com, has subject
 * "Order <g> question", category SEED_CATEGORIES[g % 6], confidence
 * (g % 100) / 100, and is created g seconds before now (due a day later).
 */
export async function seedReviews(db: Pick<Client, 'query'>, options: SeedOptions): Promise<void> {
  await db.query(
    `WITH s AS (
       SELECT g, gen_random_uuid() AS event_id, gen_random_uuid() AS run_id, gen_random_uuid() AS task_id,
              ($4::text[])[1 + g % cardinality($4::text[])] AS category, (g % 100) / 100.0 AS confidence,
              now() - g * interval '1 second' AS created_at
       FROM generate_series($2::int + 1, $2::int + $1::int) g
     ), events AS (
       INSERT INTO inbound_events (id, source, idempotency_key, from_address, to_addresses, cc_addresses, subject,
                                   text_body, headers, "references", attachments, status, received_at)
       SELECT event_id, 'seed', 'seed:' || event_id, 'customer' || g || '@example.com', '[]', '[]',
              'Order ' || g || ' question', 'Hello', '{}', '[]', '[]', 'accepted', created_at FROM s
     ), runs AS (
       INSERT INTO workflow_runs (id, event_id, graph_name, graph_version, status, classification, confidence, created_at)
       SELECT run_id, event_id, 'email-triage', 1, 'awaiting_review',
              jsonb_build_object('category', category, 'intent', 'question', 'language', 'en', 'urgency', 'normal',
                                 'riskFlags', '[]'::jsonb, 'categoryConfidence', confidence),
              confidence, created_at FROM s
     )
     INSERT INTO review_tasks (id, run_id, status, round, request, due_at, version, from_address, subject, category,
                               channel, confidence, created_at)
     SELECT task_id, run_id, $3, 0,
            jsonb_build_object('runId', run_id, 'round', 0, 'reasons', '["low_confidence"]'::jsonb,
              'classification', jsonb_build_object('category', category, 'intent', 'question', 'language', 'en',
                'urgency', 'normal', 'riskFlags', '[]'::jsonb, 'categoryConfidence', confidence),
              'draft', 'Hello, thanks for writing.', 'confidence', confidence, 'confidenceReasons', '[]'::jsonb,
              'redraftsRemaining', 3),
            created_at + interval '1 day', 1, 'customer' || g || '@example.com', 'Order ' || g || ' question',
            category, 'email', confidence, created_at
     FROM s`,
    [options.count, options.offset ?? 0, options.status ?? 'pending', SEED_CATEGORIES],
  );
  // VACUUM sets the visibility map, so counts can be answered from the index alone.
  await db.query('VACUUM ANALYZE inbound_events, workflow_runs, review_tasks');
}

/**
 * Six runs created on 2020-01-01 (or at `day`): billing auto-sent; billing approved after 10 min;
 * billing redrafted then edited after 30 min; complaint rejected after 20 min;
 * complaint still pending; one ignored (not counted). Reviews are due 15 min after they open, so the
 * edit, the rejection and the pending one are past due.
 */
export async function seedOverviewDataset(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  day = '2020-01-01T10:00:00Z',
): Promise<void> {
  const runs: { category: string; status: string; decisions?: [string, number][]; auto?: boolean }[] = [
    { category: 'billing', status: 'sent', auto: true },
    { category: 'billing', status: 'sent', decisions: [['approve', 10]] },
    {
      category: 'billing',
      status: 'sent',
      decisions: [
        ['redraft', 5],
        ['edit', 30],
      ],
    },
    { category: 'complaint', status: 'rejected', decisions: [['reject', 20]] },
    { category: 'complaint', status: 'awaiting_review', decisions: [] },
    { category: 'billing', status: 'ignored' },
  ];
  for (const run of runs) {
    const [eventId, runId, taskId] = [randomUUID(), randomUUID(), randomUUID()];
    await query(
      `INSERT INTO inbound_events (id, source, idempotency_key, from_address, to_addresses, cc_addresses, subject,
         text_body, headers, "references", attachments, status, received_at)
       VALUES ($1, 'seed', $3, 'x@example.com', '[]', '[]', 's', 't', '{}', '[]', '[]', 'accepted', $2)`,
      [eventId, day, `seed:${eventId}`],
    );
    await query(
      `INSERT INTO workflow_runs (id, event_id, graph_name, graph_version, status, classification, created_at)
       VALUES ($1, $2, 'email-triage', 1, $3, jsonb_build_object('category', $4::text), $5)`,
      [runId, eventId, run.status, run.category, day],
    );
    if (run.auto || run.decisions?.some(([action]) => action === 'approve' || action === 'edit')) {
      await query(
        `INSERT INTO outbound_messages (id, run_id, channel, message_id, to_address, subject, body, "references",
           approved_by, status, next_attempt_at)
         VALUES ($1, $2, 'email', $3, 'x@example.com', 's', 'b', '[]', $4, 'sent', now())`,
        [randomUUID(), runId, `<${runId}@test>`, run.auto ? 'auto' : 'someone@handoff.test'],
      );
    }
    if (!run.decisions) continue;
    await query(
      `INSERT INTO review_tasks (id, run_id, status, round, request, due_at, from_address, subject, category, channel,
         confidence, created_at, version)
       VALUES ($1, $2, $5, 0, '{}', $3::timestamptz + interval '15 minutes', 'x@example.com', 's', $4, 'email',
               0.5, $3, 1)`,
      [taskId, runId, day, run.category, run.decisions.length ? 'decided' : 'pending'],
    );
    for (const [round, [action, minutes]] of run.decisions.entries()) {
      await query(
        `INSERT INTO review_decisions (id, task_id, round, actor, surface, action, draft_text, decided_at)
         VALUES ($1, $2, $3, 'a@handoff.test', 'web', $4, 'd', $5::timestamptz + make_interval(mins => $6))`,
        [randomUUID(), taskId, round, action, day, minutes],
      );
    }
  }
}
