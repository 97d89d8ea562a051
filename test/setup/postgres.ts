/**
 * Vitest global setup: one PostgreSQL server for the whole test run (when the binaries are
 * there), which test files share through `sharedPostgresServer()` instead of each running
 * `initdb` and starting a server of its own (about 2.5 s each). Its connection details go to
 * the test processes in `BATON_TEST_POSTGRES`; it is stopped after the last file.
 */
import { postgresAvailable, startPostgresServer } from "../support/postgres-server.js";

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (!postgresAvailable()) return undefined;
  // Room for every file's pools and processes at once.
  const server = await startPostgresServer({ maxConnections: 400 });
  process.env.BATON_TEST_POSTGRES = JSON.stringify(server.info);
  return async () => {
    delete process.env.BATON_TEST_POSTGRES;
    await server.stop();
  };
}
