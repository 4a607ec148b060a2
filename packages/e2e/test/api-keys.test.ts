import { randomUUID } from "node:crypto";
import { schema } from "@omnara/db";
import { describeEachDatabase, newUserWithKey, rest, startTestServer, type TestServer } from "@omnara/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

describeEachDatabase("agent API keys", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("the raw key is returned once and never stored; the list shows last use", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const rows = await server.database.db.select().from(schema.apiKeys).where(eq(schema.apiKeys.userId, alice.userId));
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(alice.apiKey);
    const before = await alice.user.listApiKeys.query({});
    expect(before[0]).toMatchObject({ id: alice.apiKeyId, is_active: true, last_used_at: null });
    expect(JSON.stringify(before)).not.toContain(alice.apiKey);
    await alice.agent.verifyKey.query({});
    const after = await alice.user.listApiKeys.query({});
    expect(after[0]?.last_used_at).not.toBeNull();
  });

  test("a revoked key is refused on the next call", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    await alice.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: "x", content: "before" });
    const other = await alice.user.createApiKey.mutate({ name: "second" });
    await alice.user.revokeApiKey.mutate({ id: alice.apiKeyId });
    await expect(alice.agent.verifyKey.query({})).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    const res = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: alice.apiKey,
      body: { agent_instance_id: randomUUID(), agent_type: "x", content: "after" },
    });
    expect(res.status).toBe(401);
    // Other keys of the same user keep working.
    expect((await rest(server.url, "GET", "/api/v1/auth/verify", { token: other.api_key })).status).toBe(200);
    const listed = await alice.user.listApiKeys.query({});
    expect(listed.find((k) => k.id === alice.apiKeyId)).toMatchObject({
      is_active: false,
      revoked_at: expect.any(String),
    });
  });

  test("an expired key is refused; a key with expiry reports it", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const key = await alice.user.createApiKey.mutate({ name: "short", expires_in_days: 1 });
    expect(Date.parse(key.expires_at ?? "") - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect((await rest(server.url, "GET", "/api/v1/auth/verify", { token: key.api_key })).status).toBe(200);
    await server.database.db
      .update(schema.apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.apiKeys.id, key.id));
    expect((await rest(server.url, "GET", "/api/v1/auth/verify", { token: key.api_key })).status).toBe(401);
  });

  test("a signed-out session is refused", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    await alice.user.signOut.mutate({});
    await expect(alice.user.me.query({})).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });

  test("REST key management speaks Omnara's shapes", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const created = await rest(server.url, "POST", "/api/v1/auth/api-keys", {
      token: alice.sessionToken,
      body: { name: "ci" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "ci", api_key: expect.any(String), expires_at: null });
    const listed = await rest(server.url, "GET", "/api/v1/auth/api-keys", { token: alice.sessionToken });
    expect(Array.isArray(listed.body)).toBe(true);
    const revoked = await rest(server.url, "DELETE", `/api/v1/auth/api-keys/${created.body["id"]}`, {
      token: alice.sessionToken,
    });
    expect(revoked.body).toEqual({ success: true });
    expect(
      (await rest(server.url, "GET", "/api/v1/auth/verify", { token: String(created.body["api_key"]) })).status,
    ).toBe(401);
  });
});

describeEachDatabase("rate limits", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { OMNARA_RATE_LIMIT_PER_MINUTE: "5" } });
  });
  afterAll(() => server.close());

  test("past the per-key limit calls get 429 with Retry-After, and other keys are unaffected", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const res = await rest(server.url, "GET", "/api/v1/auth/verify", { token: alice.apiKey });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const trpc = await fetch(`${server.url}/api/trpc/agent/verifyKey?input=%7B%7D`, {
      headers: { authorization: `Bearer ${alice.apiKey}` },
    });
    expect(trpc.status).toBe(429);
    expect(Number(trpc.headers.get("retry-after"))).toBeGreaterThan(0);
    const bob = await newUserWithKey(server.url, "bob");
    expect((await rest(server.url, "GET", "/api/v1/auth/verify", { token: bob.apiKey })).status).toBe(200);
  });
});

describeEachDatabase("sign-in attempts are limited per client address", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: "3" } });
  });
  afterAll(() => server.close());

  test("password guessing gets 429 with Retry-After after the limit, before checking the password", async () => {
    const body = { email: "victim@example.com", password: "guess guess" };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await rest(server.url, "POST", "/api/v1/auth/login", { body });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
