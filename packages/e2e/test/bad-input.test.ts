import { randomUUID } from "node:crypto";
import { limits } from "@omnara/contracts";
import { describeEachDatabase, newUserWithKey, rest, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

describeEachDatabase("bad input gets a clear error and changes nothing", (kind) => {
  let server: TestServer;
  let agent: Awaited<ReturnType<typeof newUserWithKey>>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    agent = await newUserWithKey(server.url, "agent");
  });
  afterAll(() => server.close());

  const send = (body: unknown) => rest(server.url, "POST", "/api/v1/messages/agent", { token: agent.apiKey, body });

  test("an invalid body is a 400 naming each bad field, with no stack trace", async () => {
    const res = await send({ agent_instance_id: "not-a-uuid", content: 42, requires_user_input: "yes" });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("BAD_REQUEST");
    const paths = res.body.error?.issues?.map((i) => i.path).sort();
    expect(paths).toEqual(["agent_instance_id", "content", "requires_user_input"]);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
  });

  test("a new instance without agent_type is a 400 on that field and creates nothing", async () => {
    const id = randomUUID();
    const res = await send({ agent_instance_id: id, content: "hello" });
    expect(res.status).toBe(400);
    expect(res.body.error?.issues).toEqual([{ path: "agent_type", message: expect.any(String) }]);
    expect((await agent.user.listInstances.query({})).instances.map((i) => i.id)).not.toContain(id);
  });

  test("oversized text, diff and metadata are 413 and store nothing", async () => {
    const id = randomUUID();
    const big = await send({ agent_instance_id: id, agent_type: "x", content: "x".repeat(limits.messageChars + 1) });
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe("PAYLOAD_TOO_LARGE");
    expect(big.body.error?.issues?.[0]?.path).toBe("content");
    const diff = await send({
      agent_instance_id: id,
      agent_type: "x",
      content: "ok",
      git_diff: "+".repeat(limits.gitDiffChars + 1),
    });
    expect(diff.status).toBe(413);
    const meta = await send({
      agent_instance_id: id,
      agent_type: "x",
      content: "ok",
      message_metadata: { blob: "m".repeat(limits.metadataJsonChars) },
    });
    expect(meta.status).toBe(413);
    expect((await agent.user.listInstances.query({})).instances.map((i) => i.id)).not.toContain(id);
  });

  test("a body over the transport limit is a 413, broken JSON a 400", async () => {
    const huge = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: agent.apiKey,
      rawBody: `{"content":"${"y".repeat(3 * 1024 * 1024)}"}`,
    });
    expect(huge.status).toBe(413);
    const broken = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: agent.apiKey,
      rawBody: "{not json",
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error?.code).toBe("BAD_REQUEST");
  });

  test("tRPC reports the same codes and field paths", async () => {
    await expect(
      agent.agent.sendMessage.mutate({
        agent_instance_id: randomUUID(),
        agent_type: "x",
        content: "z".repeat(limits.messageChars + 1),
      }),
    ).rejects.toMatchObject({
      data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, issues: [{ path: "content" }] },
    });
    await expect(agent.user.renameInstance.mutate({ agent_instance_id: "nope", name: "" })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST", httpStatus: 400 },
    });
  });

  test("no token, a garbage token and a user token used as an API key are all 401", async () => {
    expect((await rest(server.url, "GET", "/api/v1/auth/verify")).status).toBe(401);
    expect((await rest(server.url, "GET", "/api/v1/auth/verify", { token: "garbage" })).status).toBe(401);
    expect((await rest(server.url, "GET", "/api/v1/auth/verify", { token: agent.sessionToken })).status).toBe(401);
    expect((await rest(server.url, "GET", "/api/v1/agent-instances", { token: agent.apiKey })).status).toBe(401);
  });

  test("unknown API routes are a JSON 404", async () => {
    const res = await rest(server.url, "GET", "/api/v1/nope", { token: agent.apiKey });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("NOT_FOUND");
  });

  test("signing up twice with one email is a 409; a wrong password a 401", async () => {
    const email = `dup-${randomUUID()}@example.com`;
    expect(
      (await rest(server.url, "POST", "/api/v1/auth/signup", { body: { email, password: "password one" } })).status,
    ).toBe(201);
    const again = await rest(server.url, "POST", "/api/v1/auth/signup", {
      body: { email: email.toUpperCase(), password: "password two" },
    });
    expect(again.status).toBe(409);
    expect(
      (await rest(server.url, "POST", "/api/v1/auth/login", { body: { email, password: "wrong password" } })).status,
    ).toBe(401);
    expect(
      (await rest(server.url, "POST", "/api/v1/auth/login", { body: { email, password: "password one" } })).status,
    ).toBe(200);
  });
});
