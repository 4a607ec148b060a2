import { randomUUID } from "node:crypto";
import {
  busSubscriptions,
  type ChildServer,
  createTestDatabase,
  instanceTopic,
  LIVE_WITHIN_MS,
  newUserWithKey,
  rest,
  startChildServer,
  startTestServer,
  type TestDatabase,
  type TestServer,
  testEnv,
  userClient,
} from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const suite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

suite("two server processes on one Postgres [postgres]", () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: ChildServer;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    a = await startTestServer("postgres", { database });
    // Same data dir: the processes share signing keys, as a deployment shares its secrets.
    b = await startChildServer({ DATABASE_URL: database.url ?? "", OMNARA_DATA_DIR: a.dataDir });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
    await database?.drop();
  });

  test("an agent waiting on process A is woken by a reply posted to process B", async () => {
    const alice = await newUserWithKey(a.url, "alice");
    const id = randomUUID();
    const q = await alice.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "Ship it?",
      requires_user_input: true,
    });
    // The reply is posted only once A's wait listens on the instance, so B's NOTIFY reaches a wait
    // that is subscribed (posted earlier, the reply could be stored before the wait began and be
    // answered by its first read, and the cross-process wake would go untested).
    const listening = () => busSubscriptions(a.deps.bus, instanceTopic(id));
    listening(); // counted from here on
    const waiting = alice.agent.waitForReply.query({
      agent_instance_id: id,
      after_message_id: q.message_id,
      timeout_seconds: 20,
    });
    await expect.poll(listening, { timeout: LIVE_WITHIN_MS }).toBeGreaterThan(0);
    const onB = userClient(b.url, alice.sessionToken);
    const started = Date.now();
    const reply = await onB.reply.mutate({ agent_instance_id: id, content: "ship" });
    const woke = await waiting;
    expect(woke).toMatchObject({ status: "replied", messages: [{ id: reply.id, content: "ship" }] });
    // Woken by B's NOTIFY: without it the wait would sleep to its 20 s deadline (the 30 s re-check is later still).
    expect(Date.now() - started).toBeLessThan(LIVE_WITHIN_MS);
  });

  test("a key revoked through process B is refused by process A on the next call", async () => {
    const alice = await newUserWithKey(a.url, "alice");
    expect((await rest(a.url, "GET", "/api/v1/auth/verify", { token: alice.apiKey })).status).toBe(200);
    const revoked = await rest(b.url, "DELETE", `/api/v1/auth/api-keys/${alice.apiKeyId}`, {
      token: alice.sessionToken,
    });
    expect(revoked.status).toBe(200);
    expect((await rest(a.url, "GET", "/api/v1/auth/verify", { token: alice.apiKey })).status).toBe(401);
  });
});
