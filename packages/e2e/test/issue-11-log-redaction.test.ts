import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { describeEachDatabase, newUserWithKey, rest, startTestServer, type TestServer } from "@omnara/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

describeEachDatabase("the server log keeps no secrets", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("a failed query is logged without its parameters: no message text, key, token hash or email", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const secret = `secret-${randomUUID()}`;
    // A fault the client cannot cause: the database refuses this one message text.
    await server.database.db.execute(
      sql.raw(`alter table messages add constraint fault_injected check (content not like 'secret-%')`),
    );
    try {
      const res = await rest(server.url, "POST", "/api/v1/messages/agent", {
        token: alice.apiKey,
        body: { agent_instance_id: randomUUID(), agent_type: "x", content: secret, idempotency_key: `key-${secret}` },
      });
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain(secret);
    } finally {
      await server.database.db.execute(sql.raw("alter table messages drop constraint fault_injected"));
    }
    expect(server.loggedErrors.length).toBeGreaterThan(0);
    const logged = server.loggedErrors.map((error) => inspect(error, { depth: 10 })).join("\n");
    expect(logged).toMatch(/Failed query .*insert into "messages"/s);
    expect(logged).toMatch(/23514/);
    for (const leak of [secret, alice.apiKey, alice.email, alice.sessionToken]) expect(logged).not.toContain(leak);
    expect(logged).not.toMatch(/params:/);
  });
});
