import type { RunningService } from './bootstrap';

let starting: Promise<RunningService> | undefined;

// Graceful shutdown: stop taking jobs, let running ones finish (BullMQ's close waits
// for them), close connections, then exit 0. Nest's own signal hooks are not used
// because they re-raise the signal, which ends the process with 143 instead of 0.
// The handlers go in before anything heavy loads, so a signal during boot waits for
// startup and then shuts down instead of killing a half-started process.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    Promise.resolve(starting)
      .then((service) => service?.close())
      .then(
        () => process.exit(0),
        (error: Error) => {
          console.error(`shutdown failed: ${error.message}`);
          process.exit(1);
        },
      );
  });
}

async function main(): Promise<void> {
  // Loaded here rather than imported at the top so the handlers above are in place first:
  // the graph package, Nest and their peers take a while to load.
  const { ConfigError, loadConfig } = await import('./config/config.schema.js');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { startService } = await import('./bootstrap.js');
  starting = startService(config);
  await starting;
}

main().catch((error: Error) => {
  console.error(`startup failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
