import { createTestDatabase, startCountingProxy, type TestDatabase, testEnv } from "@omnara/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The bench's "round trips per operation" come from this proxy: a statement sent after the
 * previous one's answer is a round trip, a statement described before it is bound is two, and
 * statements pipelined together share one.
 */
const suite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

suite("issue 14: the counting proxy counts waits on the database [postgres]", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
  });
  afterAll(() => database?.drop());

  test("sequential statements count one each, pipelined ones one together, and their text is kept", async () => {
    const target = new URL(database.url ?? "");
    await using proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const sql = postgres(proxy.url(database.url ?? ""), { max: 1, onnotice: () => {}, fetch_types: false });
    try {
      await sql`select 1 as warm`;
      proxy.takeStatements();
      let before = proxy.roundTrips;
      await sql`select 1 as a`;
      await sql`select 2 as b`;
      await sql`select 3 as c`;
      expect(proxy.roundTrips - before).toBe(3);
      expect(proxy.takeStatements()).toEqual(["select 1 as a", "select 2 as b", "select 3 as c"]);

      // A parameterized statement that is not prepared waits twice: postgres.js describes it
      // (Parse, Describe, Flush) before it binds, as drizzle's unnamed queries are sent.
      before = proxy.roundTrips;
      await sql.unsafe("select $1::int as g", [7], { prepare: false });
      expect(proxy.roundTrips - before).toBe(2);
      // Prepared on this connection, the second time binds at once: one wait.
      await sql.unsafe("select $1::int as h", [8], { prepare: true });
      before = proxy.roundTrips;
      await sql.unsafe("select $1::int as h", [9], { prepare: true });
      expect(proxy.roundTrips - before).toBe(1);
      proxy.takeStatements();

      await sql.begin(async (tx) => {
        before = proxy.roundTrips;
        await Promise.all([tx`select 4 as d`, tx`select 5 as e`, tx`select 6 as f`]);
        expect(proxy.roundTrips - before).toBe(1);
      });
    } finally {
      await sql.end();
    }
  });
});
