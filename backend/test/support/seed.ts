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
