/**
 * The uncertain window, measured: N replies sent through the real service to a loopback SMTP server;
 * for each, the time from its hand-over marker (committed right before SMTP's final ".") to the
 * recorded `sent` (both on the sender's clock). Only a sender killed inside that window can leave a
 * reply uncertain. Prints percentiles and the machine; `--events N` (default 200).
 *
 *   npx turbo run build --filter=@handoff/backend && node backend/dist/bench/hand-over-window.bench.js
 */
import { cpus, totalmem } from 'node:os';
import { MailCatcher } from '../src/delivery/mail-catcher';
import { ApiClient } from '../test/support/api-client';
import { orderStatusEmail } from '../test/support/emails';
import { eventually, TestWorld } from '../test/support/test-service';

const argIndex = process.argv.indexOf('--events');
const EVENTS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 200;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main(): Promise<void> {
  const world = new TestWorld();
  const smtp = new MailCatcher();
  await world.setUp();
  await smtp.start();
  try {
    const service = await world.start({ SMTP_URL: smtp.url });
    const api = new ApiClient(service.url);
    for (let index = 0; index < EVENTS; index += 1) {
      const accepted = await api.post(
        '/api/v1/events/email',
        orderStatusEmail({ from: { address: `window-${index}@customer.example` } }),
      );
      if (accepted.status !== 202) throw new Error(`ingest answered ${accepted.status}`);
    }
    await eventually(
      async () => {
        const [row] = await world.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbound_messages WHERE status = 'sent'`,
        );
        return row!.n >= EVENTS ? true : undefined;
      },
      `${EVENTS} replies sent`,
      10 * 60_000,
    );
    const rows = await world.query<{ ms: number }>(
      `SELECT extract(epoch FROM sent_at - committed_at) * 1000 AS ms FROM outbound_messages WHERE status = 'sent'`,
    );
    const windows = rows.map((row) => Number(row.ms)).sort((a, b) => a - b);
    const mean = windows.reduce((sum, ms) => sum + ms, 0) / windows.length;
    const cpu = cpus();
    console.log(
      JSON.stringify(
        {
          sends: windows.length,
          windowMs: {
            p50: +percentile(windows, 50).toFixed(2),
            p95: +percentile(windows, 95).toFixed(2),
            p99: +percentile(windows, 99).toFixed(2),
            max: +windows[windows.length - 1]!.toFixed(2),
            mean: +mean.toFixed(2),
          },
          machine: `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
        },
        null,
        2,
      ),
    );
  } finally {
    await world.tearDown();
    await smtp.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
