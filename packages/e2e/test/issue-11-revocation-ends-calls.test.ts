import { randomUUID } from "node:crypto";
import {
  type ChildServer,
  createTestDatabase,
  type DatabaseKind,
  describeEachDatabase,
  LIVE_WITHIN_MS,
  newUserWithKey,
  rest,
  startChildServer,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * How soon an open call must end after its credential is revoked, on any process: by the
 * revocation's announcement, well before the watch's 30 s re-check would end it.
 */
const BOUND_MS = LIVE_WITHIN_MS;

/** An SSE stream held open with a session token; resolves when the server ends it. */
async function openStream(url: string, token: string) {
  const res = await fetch(`${url}/api/trpc/user/events?input=${encodeURIComponent("{}")}`, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
  });
  expect(res.status).toBe(200);
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const ended = (async () => {
    for (;;) {
      const chunk = await reader?.read().catch(() => undefined);
      if (!chunk || chunk.done) return { at: Date.now(), text };
      text += decoder.decode(chunk.value, { stream: true });
    }
  })();
  const connected = async () => {
    while (!text.includes('"connected"')) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  await connected();
  return { ended, cancel: () => reader?.cancel() };
}

/**
 * A REST long-poll for a reply that will never come, held with the API key. Resolves once its
 * question is stored (so a revocation after it cannot refuse the question instead), with the
 * wait's answer to come.
 */
async function openWait(url: string, apiKey: string) {
  const id = randomUUID();
  const q = await rest(url, "POST", "/api/v1/messages/agent", {
    token: apiKey,
    body: { agent_instance_id: id, agent_type: "x", content: "Which?", requires_user_input: true },
  });
  expect(q.status).toBe(200);
  const path = `/api/v1/messages/wait?agent_instance_id=${id}&after_message_id=${q.body["message_id"]}&timeout_seconds=60`;
  return { answer: rest(url, "GET", path, { token: apiKey }).then((res) => ({ ...res, at: Date.now() })) };
}

function suite(kind: DatabaseKind, second: () => { url: string }, first: () => { url: string }) {
  test("signing out ends that session's open event stream at once, on the other process too", async () => {
    const alice = await newUserWithKey(first().url, "alice");
    const other = await rest(first().url, "POST", "/api/v1/auth/login", {
      body: { email: alice.email, password: "correct horse battery" },
    });
    const otherToken = String(other.body["token"]);
    const doomed = await openStream(second().url, alice.sessionToken);
    const kept = await openStream(second().url, otherToken);
    const revokedAt = Date.now();
    expect((await rest(first().url, "POST", "/api/v1/auth/logout", { token: alice.sessionToken })).status).toBe(200);
    const end = await doomed.ended;
    console.log(`[${kind}] stream ended ${end.at - revokedAt} ms after sign-out`);
    expect(end.at - revokedAt).toBeLessThan(BOUND_MS);
    expect(end.text).toMatch(/UNAUTHORIZED/);
    // The same user's other session is not affected.
    const race = await Promise.race([kept.ended, new Promise((resolve) => setTimeout(() => resolve("open"), 1_000))]);
    expect(race).toBe("open");
    await kept.cancel();
    expect((await rest(second().url, "GET", "/api/v1/auth/me", { token: alice.sessionToken })).status).toBe(401);
  });

  test("revoking an API key ends its long-poll at once with a 401, on the other process too", async () => {
    const bob = await newUserWithKey(first().url, "bob");
    const spare = await bob.user.createApiKey.mutate({ name: "spare" });
    const [doomedWait, keptWait] = await Promise.all([
      openWait(second().url, bob.apiKey),
      openWait(second().url, spare.api_key),
    ]);
    const [doomed, kept] = [doomedWait.answer, keptWait.answer];
    // Time for the two waits to reach the server (another process on Postgres, where the test
    // cannot see them subscribe). A wait not yet open when the key is revoked is refused with the
    // same 401, so this only decides which path is tested, never the outcome.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const revokedAt = Date.now();
    await bob.user.revokeApiKey.mutate({ id: bob.apiKeyId });
    const res = await doomed;
    console.log(`[${kind}] long-poll ended ${res.at - revokedAt} ms after key revocation`);
    expect(res.at - revokedAt).toBeLessThan(BOUND_MS);
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("UNAUTHORIZED");
    const race = await Promise.race([kept, new Promise((resolve) => setTimeout(() => resolve("open"), 1_000))]);
    expect(race).toBe("open");
    await bob.user.revokeApiKey.mutate({ id: spare.id });
    expect((await kept).status).toBe(401);
  });
}

describeEachDatabase("revocation ends open calls", (kind) => {
  let database: TestDatabase;
  let a: TestServer;
  let b: ChildServer | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    a = await startTestServer(kind, { database });
    // Postgres: a second process on the same database (and the same signing keys).
    if (kind === "postgres")
      b = await startChildServer({ DATABASE_URL: database.url ?? "", OMNARA_DATA_DIR: a.dataDir });
  }, 90_000);
  afterAll(async () => {
    await b?.stop();
    await a?.close();
    await database?.drop();
  });
  suite(
    kind,
    () => b ?? a,
    () => a,
  );
});
