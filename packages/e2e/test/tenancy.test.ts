import { randomUUID } from "node:crypto";
import { userOperations, v1Operations } from "@omnara/contracts";
import { describeEachDatabase, newUserWithKey, rest, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * A valid input for every user operation that names an instance, so the only reason for a
 * refusal is ownership. A new operation that takes agent_instance_id must be added here.
 */
const sampleInput = (instanceId: string, messageId: string): Record<string, Record<string, unknown>> => ({
  getInstance: { agent_instance_id: instanceId },
  listMessages: { agent_instance_id: instanceId, before_message_id: messageId },
  reply: { agent_instance_id: instanceId, content: "hi" },
  markCompleted: { agent_instance_id: instanceId, status: "COMPLETED" },
  renameInstance: { agent_instance_id: instanceId, name: "mine now" },
  deleteInstance: { agent_instance_id: instanceId },
  shareInstance: { agent_instance_id: instanceId, email: "bob-wants-in@example.com" },
  listShares: { agent_instance_id: instanceId },
  revokeShare: { agent_instance_id: instanceId, share_id: messageId },
  // Any team id: bob is in none, and holds nothing on the instance either.
  shareInstanceWithTeam: { agent_instance_id: instanceId, team_id: messageId },
  revokeInstanceTeamShare: { agent_instance_id: instanceId, team_id: messageId },
  listNotificationLog: { agent_instance_id: instanceId },
  reportPresence: { agent_instance_id: instanceId, visible: true, client_id: "tab-1" },
  stopMachineSession: { agent_instance_id: instanceId },
  interruptInstance: { agent_instance_id: instanceId },
  stopInstance: { agent_instance_id: instanceId },
  cancelQueuedMessage: { agent_instance_id: instanceId, message_id: messageId },
});

/** The same for every v1 agent operation that names an instance or a message. */
const sampleV1Input = (instanceId: string, messageId: string): Record<string, Record<string, unknown>> => ({
  v1SendMessage: { agent_instance_id: instanceId, agent_type: "x", content: "hijack" },
  v1GetPendingMessages: { agent_instance_id: instanceId, last_read_message_id: messageId },
  v1RequestInput: { message_id: messageId },
  v1SendUserMessage: { agent_instance_id: instanceId, content: "hijack" },
  v1Heartbeat: { agent_instance_id: instanceId },
  v1EndSession: { agent_instance_id: instanceId },
  v1ReadInstance: { agent_instance_id: instanceId, message_limit: 0 },
  v1EndInstance: { agent_instance_id: instanceId, status: "COMPLETED" },
  v1RegisterInstance: { agent_instance_id: instanceId, agent_type: "x" },
});

/** An id is taken whoever holds it (ids are client-chosen UUIDs); nothing of the instance is shown. */
const expectedV1Status = (id: string): number => (id === "v1RegisterInstance" ? 409 : 404);

const fillPath = (path: string, input: Record<string, unknown>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => String(input[name]));

describeEachDatabase("every procedure is scoped to its owner", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("user B gets 404 from every user operation on user A's instance, and A's data is unchanged", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const bob = await newUserWithKey(server.url, "bob");
    const id = randomUUID();
    const q = await alice.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "claude code",
      content: "Q?",
      requires_user_input: true,
    });

    const inputs = sampleInput(id, q.message_id);
    // Subscriptions have their own owner-scoping test (user B receives none of A's events).
    const scoped = Object.values(userOperations).filter(
      (op) => op.kind !== "subscription" && "agent_instance_id" in op.input.shape,
    );
    expect(scoped.map((op) => op.id).sort()).toEqual(Object.keys(inputs).sort());

    for (const op of scoped) {
      const input = inputs[op.id] ?? {};
      const binding = op.rest;
      if (!binding) throw new Error(`${op.id} has no REST binding`);
      const inQuery = binding.method === "GET" || binding.method === "DELETE";
      const path = fillPath(binding.path, input);
      const query = inQuery
        ? `?${new URLSearchParams(Object.entries(input).map(([k, v]): [string, string] => [k, String(v)]))}`
        : "";
      const res = await rest(server.url, binding.method, path + query, {
        token: bob.sessionToken,
        ...(inQuery ? {} : { body: input }),
      });
      expect({ op: op.id, status: res.status, code: res.body.error?.code }).toEqual({
        op: op.id,
        status: 404,
        code: "NOT_FOUND",
      });
    }
    await expect(bob.user.getInstance.query({ agent_instance_id: id })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    expect((await bob.user.listInstances.query({})).instances).toEqual([]);
    expect(await bob.user.listAgentTypes.query({})).toEqual([]);
    expect((await bob.user.getSummary.query({})).total_instances).toBe(0);

    const mine = await alice.user.getInstance.query({ agent_instance_id: id });
    expect(mine).toMatchObject({ status: "AWAITING_INPUT", name: null, chat_length: 1 });
    expect(mine.messages.map((m) => m.content)).toEqual(["Q?"]);
  });

  test("agent B's key cannot write to, wait on, or read agent A's instance", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const bob = await newUserWithKey(server.url, "bob");
    const id = randomUUID();
    const q = await alice.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "Q?",
      requires_user_input: true,
    });
    const refused = { data: { code: "NOT_FOUND" } };
    await expect(
      bob.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "hijack" }),
    ).rejects.toMatchObject(refused);
    await expect(
      bob.agent.waitForReply.query({ agent_instance_id: id, after_message_id: q.message_id, timeout_seconds: 0 }),
    ).rejects.toMatchObject(refused);
    await expect(bob.agent.getPendingMessages.query({ agent_instance_id: id })).rejects.toMatchObject(refused);
    await expect(bob.agent.requestInput.mutate({ message_id: q.message_id })).rejects.toMatchObject(refused);
    await expect(bob.agent.heartbeat.mutate({ agent_instance_id: id })).rejects.toMatchObject(refused);
    await expect(bob.agent.endSession.mutate({ agent_instance_id: id })).rejects.toMatchObject(refused);
    await expect(bob.agent.sendUserMessage.mutate({ agent_instance_id: id, content: "x" })).rejects.toMatchObject(
      refused,
    );
    const mine = await alice.user.getInstance.query({ agent_instance_id: id });
    expect(mine.messages.map((m) => m.content)).toEqual(["Q?"]);
    expect(mine.status).toBe("AWAITING_INPUT");
  });

  test("agent B's key gets 404 from every v1 path naming agent A's instance; A's own key reads and ends it", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const bob = await newUserWithKey(server.url, "bob");
    const id = randomUUID();
    const q = await alice.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "Q?",
      requires_user_input: true,
    });
    const inputs = sampleV1Input(id, q.message_id);
    const scoped = Object.values(v1Operations).filter(
      (op) => "agent_instance_id" in op.input.shape || "message_id" in op.input.shape,
    );
    expect(scoped.map((op) => op.id).sort()).toEqual(Object.keys(inputs).sort());
    for (const op of scoped) {
      const input = inputs[op.id] ?? {};
      const binding = op.rest;
      if (!binding) throw new Error(`${op.id} has no REST binding`);
      const inQuery = binding.method === "GET" || binding.method === "DELETE";
      const query = inQuery
        ? `?${new URLSearchParams(Object.entries(input).map(([k, v]): [string, string] => [k, String(v)]))}`
        : "";
      const res = await rest(server.url, binding.method, fillPath(binding.path, input) + query, {
        token: bob.apiKey,
        ...(inQuery ? {} : { body: input }),
      });
      expect({ op: op.id, status: res.status }).toEqual({ op: op.id, status: expectedV1Status(op.id) });
      expect(JSON.stringify(res.body)).not.toContain("Q?");
    }
    const mine = await alice.user.getInstance.query({ agent_instance_id: id });
    expect(mine).toMatchObject({ status: "AWAITING_INPUT", chat_length: 1 });

    const read = await rest(server.url, "GET", `/api/v1/agent-instances/${id}?message_limit=0`, {
      token: alice.apiKey,
    });
    expect(read.body).toMatchObject({ id, status: "AWAITING_INPUT", messages: [], is_owner: true });
    const ended = await rest(server.url, "PUT", `/api/v1/agent-instances/${id}/status`, {
      token: alice.apiKey,
      body: { status: "COMPLETED" },
    });
    expect(ended.body).toMatchObject({ id, status: "COMPLETED" });
    // The same paths with the user's session still answer in the user's (richer) shapes.
    const asUser = await rest(server.url, "GET", `/api/v1/agent-instances/${id}`, { token: alice.sessionToken });
    expect(asUser.body).toMatchObject({ id, status: "COMPLETED", has_more_messages: false });
  });

  test("user B cannot revoke user A's API key", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const bob = await newUserWithKey(server.url, "bob");
    await expect(bob.user.revokeApiKey.mutate({ id: alice.apiKeyId })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    expect((await alice.agent.verifyKey.query({})).user_id).toBe(alice.userId);
    expect(await bob.user.listApiKeys.query({})).toHaveLength(1);
  });
});
