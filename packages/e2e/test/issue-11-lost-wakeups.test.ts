import { randomUUID } from "node:crypto";
import {
  agentClient,
  busSubscriptions,
  eventually,
  instanceTopic,
  LIVE_WITHIN_MS,
  newUserWithKey,
  startTestServer,
  startThrowawayPostgres,
  type TestServer,
  type ThrowawayPostgres,
  testEnv,
  throwawayPostgresUnavailable,
  userClient,
} from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * No lost wake-up: a reply stored after a database fault wakes its waiter well before the 30 s
 * safety re-check would have (LIVE_WITHIN_MS). Two server processes share a throwaway Postgres
 * cluster (never the machine's shared server); the agent waits on one, the user replies through
 * the other or the same.
 */
const WAKE_WITHIN_MS = LIVE_WITHIN_MS;
/** A fault, the retries through it and a wake bounded by WAKE_WITHIN_MS: more than the default 30 s. */
const FAULT_TEST_MS = 90_000;
const unavailable = throwawayPostgresUnavailable();
if (unavailable && !testEnv.ci) console.warn(`SKIPPED lost wake-up faults: ${unavailable}`);
const suite = unavailable && !testEnv.ci ? describe.skip : describe;

/**
 * Resolves once the agent's wait on `instanceId` has subscribed on `server`'s bus: the wait is a
 * subscriber of its instance's topic, the credential watch of its call one of the user's topic.
 */
const waitOpen = (server: TestServer, instanceId: string) =>
  eventually(
    `the wait on ${instanceId} to subscribe`,
    () => busSubscriptions(server.deps.bus, instanceTopic(instanceId)) > 0,
    30_000,
  );

suite("no lost wake-up under database faults [postgres, throwaway cluster]", () => {
  let pg: ThrowawayPostgres;
  let databaseName: string;
  let a: TestServer;
  let b: TestServer;
  let account: Awaited<ReturnType<typeof newUserWithKey>>;
  const delays: Record<string, number> = {};

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    const url = await pg.createDatabase();
    databaseName = new URL(url).pathname.slice(1);
    const database = { kind: "postgres" as const, url, drop: async () => {} };
    a = await startTestServer("postgres", { database });
    // The same data dir: both processes sign and check keys with the same secrets.
    b = await startTestServer("postgres", { database, dataDir: a.dataDir });
    account = await newUserWithKey(a.url, "faults");
    // Counted from here on, so that waitOpen sees every wait.
    busSubscriptions(a.deps.bus);
    busSubscriptions(b.deps.bus);
  });
  afterAll(async () => {
    console.log("server errors:", a?.loggedErrors.map(String), b?.loggedErrors.map(String));
    console.log("wake delay after each fault (ms, reply stored → waiter woken):", JSON.stringify(delays));
    await a?.close();
    await b?.close();
    await pg?.close();
  });

  /** The same account's clients, talking to one server process. */
  const clientsOn = (server: TestServer) => ({
    agent: agentClient(server.url, account.apiKey),
    user: userClient(server.url, account.sessionToken),
  });

  async function question(): Promise<{ id: string; questionId: string }> {
    const id = randomUUID();
    const asked = await account.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "faulty",
      content: "Continue?",
      requires_user_input: true,
    });
    return { id, questionId: asked.message_id };
  }

  /** A long-poll on `server` that records when it was answered. */
  function wait(server: TestServer, id: string, questionId: string) {
    return clientsOn(server)
      .agent.waitForReply.query({ agent_instance_id: id, after_message_id: questionId, timeout_seconds: 60 })
      .then((result) => ({ result, at: Date.now() }));
  }

  /** The user's reply through `server`, retried (same idempotency key) until it is stored. */
  async function replyUntilStored(server: TestServer, id: string): Promise<number> {
    const user = clientsOn(server).user;
    const key = randomUUID();
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await user.reply.mutate({ agent_instance_id: id, content: "yes", idempotency_key: key });
        return Date.now();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Waits on both servers, injects `fault`, replies through `replyVia`, and measures both wakes. */
  async function measure(name: string, fault: () => Promise<void>, replyVia: TestServer) {
    const { id, questionId } = await question();
    const waits = [wait(a, id, questionId), wait(b, id, questionId)];
    await waitOpen(a, id);
    await waitOpen(b, id);
    await fault();
    const storedAt = await replyUntilStored(replyVia, id);
    const [wokeA, wokeB] = await Promise.all(waits);
    for (const [server, woke] of [
      ["a", wokeA],
      ["b", wokeB],
    ] as const) {
      expect(woke?.result).toMatchObject({ status: "replied", messages: [{ content: "yes" }] });
      const delay = Math.max(0, (woke?.at ?? 0) - storedAt);
      delays[`${name} (waiter on ${server})`] = delay;
      expect(delay, `${name}: waiter on ${server}`).toBeLessThan(WAKE_WITHIN_MS);
    }
  }

  test(
    "the database is down for 5 s while agents wait; the first reply after it wakes them",
    async () => {
      await measure(
        "5 s outage",
        async () => {
          await pg.stop();
          await new Promise((resolve) => setTimeout(resolve, 5000));
          await pg.start();
        },
        b,
      );
    },
    FAULT_TEST_MS,
  );

  test(
    "the LISTEN connection is terminated (pg_terminate_backend); a reply right after wakes the waiters",
    async () => {
      await measure(
        "LISTEN backend terminated",
        async () => {
          const killed = await pg.sql(
            (sql) =>
              sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${databaseName} and query ilike 'listen%'`,
          );
          expect(killed.length).toBe(2);
        },
        b,
      );
    },
    FAULT_TEST_MS,
  );

  test(
    "NOTIFY fails after the reply committed: the reply succeeds, its own process wakes at once, the other when NOTIFY is retried",
    async () => {
      const { id, questionId } = await question();
      const errorsBefore = a.loggedErrors.length;
      // pg_notify resolves to a function that raises, for new connections; pool connections are
      // cut so they reconnect under it (the LISTEN connections are left alone).
      const cutPool = () =>
        pg.sql(
          (sql) =>
            sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${databaseName} and pid <> pg_backend_pid() and query not ilike 'listen%'`,
        );
      await pg.sql(async (sql) => {
        await sql`create schema if not exists faults`;
        await sql.unsafe(
          "create or replace function faults.pg_notify(text, text) returns void language plpgsql as $$ begin raise exception 'injected NOTIFY failure'; end $$",
        );
        await sql.unsafe(`alter database ${databaseName} set search_path = faults, pg_catalog, public`);
      }, databaseName);
      try {
        const waits = [wait(a, id, questionId), wait(b, id, questionId)];
        await waitOpen(a, id);
        await waitOpen(b, id);
        await cutPool();
        const storedAt = await replyUntilStored(a, id);
        const wokeA = await waits[0];
        expect(wokeA?.result).toMatchObject({ status: "replied", messages: [{ content: "yes" }] });
        delays["NOTIFY failed (waiter in the replying process)"] = Math.max(0, (wokeA?.at ?? 0) - storedAt);
        expect((wokeA?.at ?? 0) - storedAt).toBeLessThan(WAKE_WITHIN_MS);
        expect(a.loggedErrors.slice(errorsBefore).map(String).join("\n")).toMatch(/NOTIFY after commit failed/);

        // The fault is lifted; the retried NOTIFY reaches the other process.
        await pg.sql((sql) => sql.unsafe(`alter database ${databaseName} reset search_path`), databaseName);
        await cutPool();
        const liftedAt = Date.now();
        const wokeB = await waits[1];
        expect(wokeB?.result).toMatchObject({ status: "replied", messages: [{ content: "yes" }] });
        delays["NOTIFY failed (other process, from the fault lifted)"] = (wokeB?.at ?? 0) - liftedAt;
        // The retries back off (postgres-bus.ts: up to 8 s apart by now), so the next one may come
        // several seconds after the fault is lifted; still well before the wait's 30 s re-check.
        expect((wokeB?.at ?? 0) - liftedAt).toBeLessThan(WAKE_WITHIN_MS * 2);
      } finally {
        await pg.sql((sql) => sql.unsafe(`alter database ${databaseName} reset search_path`), databaseName);
      }
    },
    FAULT_TEST_MS,
  );

  test(
    "a retried idempotent reply publishes again: a waiter whose wake was lost is woken by the retry",
    async () => {
      const { id, questionId } = await question();
      // The reply is stored with no event (written straight to the database, as if its NOTIFY was lost).
      const key = randomUUID();
      const waiting = wait(a, id, questionId);
      await waitOpen(a, id);
      const user = clientsOn(b).user;
      const realPublish = b.deps.bus.publish.bind(b.deps.bus);
      b.deps.bus.publish = async () => {};
      await user.reply.mutate({ agent_instance_id: id, content: "yes", idempotency_key: key });
      b.deps.bus.publish = realPublish;
      const retriedAt = Date.now();
      await user.reply.mutate({ agent_instance_id: id, content: "yes", idempotency_key: key });
      const woke = await waiting;
      expect(woke.result).toMatchObject({ status: "replied", messages: [{ content: "yes" }] });
      delays["first publish lost, idempotent retry"] = woke.at - retriedAt;
      expect(woke.at - retriedAt).toBeLessThan(WAKE_WITHIN_MS);
    },
    FAULT_TEST_MS,
  );
});
