import { randomUUID } from "node:crypto";
import { describeEachDatabase, newUserWithKey, rest, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

describeEachDatabase("the agent ↔ human loop", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("over tRPC: an agent asks, waits, the user sees it first and replies, the agent wakes", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const busyId = randomUUID();
    await alice.agent.sendMessage.mutate({ agent_instance_id: busyId, agent_type: "Cursor", content: "working" });

    const instanceId = randomUUID();
    const step = await alice.agent.sendMessage.mutate({
      agent_instance_id: instanceId,
      agent_type: "Claude Code",
      content: "Reading the repository",
    });
    expect(step.queued_user_messages).toEqual([]);
    const question = await alice.agent.sendMessage.mutate({
      agent_instance_id: instanceId,
      content: "Deploy to production? [YES/NO]",
      requires_user_input: true,
    });
    const waiting = alice.agent.waitForReply.query({
      agent_instance_id: instanceId,
      after_message_id: question.message_id,
      timeout_seconds: 20,
    });

    const list = await alice.user.listInstances.query({});
    expect(list.instances.map((i) => i.id)).toContain(instanceId);
    const types = await alice.user.listAgentTypes.query({});
    const claude = types.find((t) => t.name === "claude code");
    expect(claude?.recent_instances[0]).toMatchObject({ id: instanceId, status: "AWAITING_INPUT" });
    expect(claude?.awaiting_input_instances).toBe(1);

    const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    expect(detail.messages.map((m) => m.content)).toEqual(["Reading the repository", "Deploy to production? [YES/NO]"]);
    expect(detail.messages[1]?.requires_user_input).toBe(true);

    const reply = await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "Yes" });
    const woke = await waiting;
    expect(woke.status).toBe("replied");
    expect(woke.messages.map((m) => m.id)).toEqual([reply.id]);
    expect(woke.messages[0]?.content).toBe("Yes");

    const after = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    expect(after.status).toBe("ACTIVE");
    // The wait delivered the reply; the agent's next message acknowledges it (read-cursor.ts).
    expect(after.last_read_message_id).toBe(question.message_id);
    const summary = await alice.user.getSummary.query({});
    expect(summary).toMatchObject({ total_instances: 2, active_instances: 2, awaiting_input_instances: 0 });
  });

  test("a wait with no reply ends with status timeout at its deadline", async () => {
    const bob = await newUserWithKey(server.url, "bob");
    const id = randomUUID();
    const q = await bob.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "?",
      requires_user_input: true,
    });
    const started = Date.now();
    const result = await bob.agent.waitForReply.query({
      agent_instance_id: id,
      after_message_id: q.message_id,
      timeout_seconds: 1,
    });
    expect(result).toEqual({ status: "timeout", agent_instance_id: id, messages: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test("over Omnara's v1 REST paths with snake_case bodies", async () => {
    const signup = await rest(server.url, "POST", "/api/v1/auth/signup", {
      body: { email: `rest-${randomUUID()}@example.com`, password: "long enough password" },
    });
    expect(signup.status).toBe(201);
    const session = String(signup.body["token"]);
    const created = await rest(server.url, "POST", "/api/v1/auth/api-keys", {
      token: session,
      body: { name: "n8n", expires_in_days: 30 },
    });
    expect(created.status).toBe(201);
    const apiKey = String(created.body["api_key"]);

    const verify = await rest(server.url, "GET", "/api/v1/auth/verify", { token: apiKey });
    expect(verify.body).toMatchObject({ success: true, user_id: (signup.body["user"] as { id: string }).id });

    const id = randomUUID();
    const sent = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: apiKey,
      body: { agent_instance_id: id, agent_type: "n8n", content: "Approve the invoice?", requires_user_input: true },
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ success: true, agent_instance_id: id, queued_user_messages: [] });

    const waiting = rest(
      server.url,
      "GET",
      `/api/v1/messages/wait?agent_instance_id=${id}&after_message_id=${sent.body["message_id"]}&timeout_seconds=20`,
      { token: apiKey },
    );

    const instances = await rest(server.url, "GET", "/api/v1/agent-instances?status=AWAITING_INPUT", {
      token: session,
    });
    expect((instances.body["instances"] as { id: string }[]).map((i) => i.id)).toEqual([id]);
    const replied = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/messages`, {
      token: session,
      body: { content: "approved" },
    });
    expect(replied.status).toBe(201);

    const woke = await waiting;
    expect(woke.status).toBe(200);
    expect(woke.body).toMatchObject({ status: "replied", messages: [{ content: "approved", sender_type: "USER" }] });

    const pending = await rest(server.url, "GET", `/api/v1/messages/pending?agent_instance_id=${id}`, {
      token: apiKey,
    });
    // Without a held cursor it is a peek: the delivered reply is pending until acknowledged.
    expect(pending.body).toMatchObject({ status: "ok", messages: [{ content: "approved" }] });

    const hb = await rest(server.url, "POST", `/api/v1/agents/instances/${id}/heartbeat`, { token: apiKey });
    expect(hb.body).toMatchObject({ agent_instance_id: id });
    const ended = await rest(server.url, "POST", "/api/v1/sessions/end", {
      token: apiKey,
      body: { agent_instance_id: id },
    });
    expect(ended.body).toEqual({ success: true, agent_instance_id: id, final_status: "COMPLETED" });
    const detail = await rest(server.url, "GET", `/api/v1/agent-instances/${id}`, { token: session });
    expect(detail.body).toMatchObject({ status: "COMPLETED" });
  });
});
