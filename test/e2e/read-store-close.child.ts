import { openSqliteReadStore } from '../../src/read-store/sqlite';

/**
 * Opens a read store, closes it, and only then says so: nothing else keeps this process alive while the close waits
 * for the checkpoint thread, as at the end of a CLI command or a bench. Usage: node read-store-close.child.js <file>
 */
async function main(): Promise<void> {
  const store = await openSqliteReadStore(process.argv[2]);
  await store.close();
  process.stdout.write('CLOSED\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
