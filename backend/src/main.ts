import { ConfigError, loadConfig } from './config/config.schema';
import { startService } from './bootstrap';

async function main(): Promise<void> {
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
  const service = await startService(config);
  // Graceful shutdown: stop taking jobs, let running ones finish (BullMQ's close waits
  // for them), close connections, then exit 0. Nest's own signal hooks are not used
  // because they re-raise the signal, which ends the process with 143 instead of 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      service.close().then(
        () => process.exit(0),
        (error: Error) => {
          console.error(`shutdown failed: ${error.message}`);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: Error) => {
  console.error(`startup failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
