import { afterAll, beforeAll, describe } from "vitest";
import {
  type PostgresServer,
  postgresAvailable,
  startPostgresServer,
} from "../../../test/support/postgres-server.js";
import { runStoreConformance } from "../../core/ports/run-store.conformance.js";
import { scheduleStoreConformance } from "../../core/ports/schedule-store.conformance.js";
import { PostgresStore } from "./postgres-store.js";

describe.runIf(postgresAvailable())("PostgresStore", () => {
  let server: PostgresServer;
  let url: string;
  let schemas = 0;

  beforeAll(async () => {
    server = await startPostgresServer();
    url = await server.createDatabase("conformance");
  });
  afterAll(() => server?.stop());

  /** A store on a fresh schema, and how to open a second handle on it. */
  async function fresh() {
    const schema = `conformance_${++schemas}`;
    const store = await PostgresStore.open(url, { schema });
    return { store, openPeer: () => PostgresStore.open(url, { schema }) };
  }

  runStoreConformance("PostgresStore", fresh);
  scheduleStoreConformance("PostgresStore", async () => {
    const { store, openPeer } = await fresh();
    return {
      store: store.schedules,
      close: () => store.close(),
      openPeer: async () => {
        const peer = await openPeer();
        return { store: peer.schedules, close: () => peer.close() };
      },
    };
  });
});
