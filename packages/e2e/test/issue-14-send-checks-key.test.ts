import { randomUUID } from "node:crypto";
import { schema } from "@omnara/db";
import { describeEachDatabase, newUserWithKey, rest, startTestServer, type TestServer } from "@omnara/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * A message's one statement checks its API key's row itself (no separate read of the key): a
 * revoked, expired or foreign key must be refused as before (401, before any other refusal, and
 * nothing stored), the key's last use must still be noted, and a revocation racing sends must
 * leave no send accepted once it has answered.
 */
const ROUNDS = 100;
const AT_ONCE = 5;

describeEachDatabase("issue 14: a message's statement checks its API key", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const send = (token: string, agentInstanceId: string, body: Record<string, unknown> = { content: "a step" }) =>
    rest(server.url, "POST", "/api/v1/messages/agent", {
      token,
      body: { agent_instance_id: agentInstanceId, ...body },
    });

  const storedMessages = async (agentInstanceId: string) =>
    (
      await server.database.db
        .select({ id: schema.messages.id })
        .from(schema.messages)
        .where(and(eq(schema.messages.agentInstanceId, agentInstanceId), eq(schema.messages.senderType, "AGENT")))
    ).length;

  test("a revoked or expired key is refused on an existing instance, ahead of a bad input, storing nothing", async () => {
    const alice = await newUserWithKey(server.url, "key-in-statement");
    const id = randomUUID();
    expect((await send(alice.apiKey, id, { agent_type: "x", content: "start" })).status).toBe(200);
    const expiring = await alice.user.createApiKey.mutate({ name: "expiring", expires_in_days: 1 });
    expect((await send(expiring.api_key, id)).status).toBe(200);
    await server.database.db
      .update(schema.apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.apiKeys.id, expiring.id));
    const expired = await send(expiring.api_key, id);
    expect(expired.status).toBe(401);
    expect(expired.body.error?.code).toBe("UNAUTHORIZED");

    await alice.user.revokeApiKey.mutate({ id: alice.apiKeyId });
    const revoked = await send(alice.apiKey, id);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error?.code).toBe("UNAUTHORIZED");
    // A bad input from a revoked key hears about the key, as it did when the key was read first.
    expect((await send(alice.apiKey, id, { content: "" })).status).toBe(401);
    expect((await send(alice.apiKey, id, { content: 5 })).status).toBe(401);
    expect(await storedMessages(id)).toBe(2);

    // Another user's live key names no instance of hers: not found, as before.
    const bob = await newUserWithKey(server.url, "key-in-statement-other");
    expect((await send(bob.apiKey, id)).status).toBe(404);
    expect(await storedMessages(id)).toBe(2);
  });

  test("a message notes its key's last use, at most once a minute", async () => {
    const alice = await newUserWithKey(server.url, "key-last-used");
    const id = randomUUID();
    expect((await send(alice.apiKey, id, { agent_type: "x", content: "start" })).status).toBe(200);
    const lastUsed = async () => {
      const [row] = await server.database.db
        .select({ at: schema.apiKeys.lastUsedAt })
        .from(schema.apiKeys)
        .where(eq(schema.apiKeys.id, alice.apiKeyId));
      return row?.at ?? null;
    };
    const setLastUsed = (at: Date | null) =>
      server.database.db.update(schema.apiKeys).set({ lastUsedAt: at }).where(eq(schema.apiKeys.id, alice.apiKeyId));

    await setLastUsed(null);
    const before = Date.now();
    expect((await send(alice.apiKey, id)).status).toBe(200);
    expect((await lastUsed())?.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await setLastUsed(twoMinutesAgo);
    expect((await send(alice.apiKey, id)).status).toBe(200);
    expect((await lastUsed())?.getTime()).toBeGreaterThan(twoMinutesAgo.getTime() + 60_000);

    const tenSecondsAgo = new Date(Date.now() - 10_000);
    await setLastUsed(tenSecondsAgo);
    expect((await send(alice.apiKey, id)).status).toBe(200);
    expect((await lastUsed())?.getTime()).toBe(tenSecondsAgo.getTime());
  });

  test(`${ROUNDS} rounds of a revocation racing sends: none accepted after it answered, every accepted one stored`, async () => {
    const alice = await newUserWithKey(server.url, "revoke-racing-sends");
    const problems: string[] = [];
    const round = async () => {
      const key = await alice.user.createApiKey.mutate({ name: "racing" });
      const id = randomUUID();
      expect((await send(key.api_key, id, { agent_type: "x", content: "start" })).status).toBe(200);
      let revoked = false;
      let accepted = 0;
      const sending = async () => {
        while (!revoked) {
          const res = await send(key.api_key, id);
          if (res.status === 200) accepted += 1;
          else if (res.status !== 401) problems.push(`${id}: ${res.status}`);
        }
      };
      const senders = [sending(), sending()];
      await alice.user.revokeApiKey.mutate({ id: key.id });
      revoked = true;
      const after = await Promise.all([send(key.api_key, id), send(key.api_key, id)]);
      await Promise.all(senders);
      if (after.some((res) => res.status !== 401)) problems.push(`${id}: accepted after revocation`);
      const stored = (await storedMessages(id)) - 1;
      if (stored !== accepted) problems.push(`${id}: ${accepted} accepted, ${stored} stored`);
    };
    for (let done = 0; done < ROUNDS; done += AT_ONCE) await Promise.all(Array.from({ length: AT_ONCE }, round));
    expect(problems).toEqual([]);
  }, 240_000);
});
