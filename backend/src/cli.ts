import { setUpDatabase } from './database/setup';
import { DatabaseUrlSchema } from './config/config.schema';

/** `node dist/src/cli.js setup`: create the database if missing, migrate, create checkpoint tables. */
async function main(command: string | undefined): Promise<void> {
  if (command !== 'setup') {
    console.error('usage: cli.js setup');
    process.exit(2);
  }
  // Setup needs only the database URL; it is validated the same way the service does.
  const parsed = DatabaseUrlSchema.safeParse(process.env.DATABASE_URL || undefined);
  if (!parsed.success) throw new Error(`DATABASE_URL: ${parsed.error.issues[0]?.message}`);
  await setUpDatabase(parsed.data, (line) => console.log(`[setup] ${line}`));
}

main(process.argv[2]).catch((error: Error) => {
  console.error(`setup failed: ${error.message}`);
  process.exit(1);
});
