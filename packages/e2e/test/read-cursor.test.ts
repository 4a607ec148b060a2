import { randomUUID } from "node:crypto";
import { schema } from "@omnara/db";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

describeEachDatabase("messages, the read cursor and the status machine", (kind) => {
  let server: TestServer;
  let a: Awaited<ReturnType<typeof newUserWithKey>>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    a = await newUserWithKey(server.url, "a");
  });
  afterAll(() => server.close());

  const countMessages = async (instanceId: string) =>
    (await server.database.db.select().from(schema.messages).where(eq(schema.messages.agentInstanceId, instanceId)))
      .length;

  test("a retried send with the same idempotency key stores one message", async () => {
    const id = randomUUID();
    await a.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "start" });
    await a.user.reply.mutate({ agent_instance_id: id, content: "feedback" });
    const input = { agent_instance_id: id, content: "step 2", idempotency_key: "step-2" };
    const [first, second] = await Promise.all([a.agent.sendMessage.mutate(input), a.agent.sendMessage.mutate(input)]);
    const third = await a.agent.sendMessage.mutate(input);
    expect(second.message_id).toBe(first.message_id);
    expect(third.message_id).toBe(first.message_id);
    // The retry gets the same queued feedback the first answer carried.
    expect(first.queued_user_messages.map((m) => m.content)).toEqual(["feedback"]);
    expect(third.queued_user_messages.map((m) => m.content)).toEqual(["feedback"]);
    expect(await countMessages(id)).toBe(3);
  });

  test("retried replies and mirrored terminal input with an idempotency key store one message each", async () => {
    const id = randomUUID();
    await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "q",
      requires_user_input: true,
    });
    const reply = { agent_instance_id: id, content: "yes", idempotency_key: "tap-1" };
    const [r1, r2] = await Promise.all([a.user.reply.mutate(reply), a.user.reply.mutate(reply)]);
    expect(r2.id).toBe(r1.id);
    const typed = { agent_instance_id: id, content: "typed", idempotency_key: "tty-1" };
    const t1 = await a.agent.sendUserMessage.mutate(typed);
    const t2 = await a.agent.sendUserMessage.mutate(typed);
    expect(t2.message_id).toBe(t1.message_id);
    expect(await countMessages(id)).toBe(3);
  });

  test("replies queue until the next agent message, which returns and marks them read", async () => {
    const id = randomUUID();
    await a.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "one" });
    await a.user.reply.mutate({ agent_instance_id: id, content: "r1" });
    await a.user.reply.mutate({ agent_instance_id: id, content: "r2" });
    const next = await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "two" });
    expect(next.queued_user_messages.map((m) => m.content)).toEqual(["r1", "r2"]);
    const again = await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "three" });
    expect(again.queued_user_messages).toEqual([]);
  });

  test("pending: replies stay pending until acknowledged; then an outdated cursor gets stale", async () => {
    const id = randomUUID();
    const sent = await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "q",
      requires_user_input: true,
    });
    const reply = await a.user.reply.mutate({ agent_instance_id: id, content: "answer" });
    const read = () =>
      a.agent.getPendingMessages.query({ agent_instance_id: id, last_read_message_id: sent.message_id });
    const first = await read();
    expect(first).toMatchObject({ status: "ok", messages: [{ id: reply.id }] });
    // A reader that lost the answer reads again with the cursor it held and gets it again.
    expect(await read()).toMatchObject({ status: "ok", messages: [{ id: reply.id }] });
    // Holding the delivered reply acknowledges it: the cursor moves there.
    const current = await a.agent.getPendingMessages.query({ agent_instance_id: id, last_read_message_id: reply.id });
    expect(current).toEqual({ agent_instance_id: id, messages: [], status: "ok" });
    expect(await read()).toEqual({ agent_instance_id: id, messages: [], status: "stale" });
  });

  test("pending: the agent's next message acknowledges delivered replies and does not queue them again", async () => {
    const id = randomUUID();
    const sent = await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "q",
      requires_user_input: true,
    });
    await a.user.reply.mutate({ agent_instance_id: id, content: "answer" });
    await a.agent.getPendingMessages.query({ agent_instance_id: id, last_read_message_id: sent.message_id });
    await a.user.reply.mutate({ agent_instance_id: id, content: "and one more" });
    const next = await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "carrying on" });
    expect(next.queued_user_messages.map((m) => m.content)).toEqual(["and one more"]);
    const old = await a.agent.getPendingMessages.query({
      agent_instance_id: id,
      last_read_message_id: sent.message_id,
    });
    expect(old.status).toBe("stale");
  });

  test("request-input turns a step into a question, or returns replies already there", async () => {
    const id = randomUUID();
    const step = await a.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "done?" });
    const asked = await a.agent.requestInput.mutate({ message_id: step.message_id });
    expect(asked).toMatchObject({ status: "ok", messages: [] });
    expect((await a.user.getInstance.query({ agent_instance_id: id })).status).toBe("AWAITING_INPUT");
    // Asking again is harmless: same answer, no error.
    expect(await a.agent.requestInput.mutate({ message_id: step.message_id })).toMatchObject({
      status: "ok",
      messages: [],
    });

    const step2 = await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "more?" });
    await a.user.reply.mutate({ agent_instance_id: id, content: "already answered" });
    const immediate = await a.agent.requestInput.mutate({ message_id: step2.message_id });
    expect(immediate.messages.map((m) => m.content)).toEqual(["already answered"]);
    expect((await a.user.getInstance.query({ agent_instance_id: id })).status).toBe("ACTIVE");
  });

  test("text mirrored from the terminal is shown but not delivered back to the agent", async () => {
    const id = randomUUID();
    const q = await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "q",
      requires_user_input: true,
    });
    await a.agent.sendUserMessage.mutate({ agent_instance_id: id, content: "typed locally" });
    const next = await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "ok" });
    expect(next.queued_user_messages).toEqual([]);
    const detail = await a.user.getInstance.query({ agent_instance_id: id });
    expect(detail.messages.map((m) => [m.sender_type, m.content])).toEqual([
      ["AGENT", "q"],
      ["USER", "typed locally"],
      ["AGENT", "ok"],
    ]);
    expect(q.queued_user_messages).toEqual([]);
  });

  test("status: question → AWAITING_INPUT, reply → ACTIVE, end FAILED, DISCONNECTED resumes", async () => {
    const id = randomUUID();
    const status = async () => (await a.user.getInstance.query({ agent_instance_id: id })).status;
    await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "q",
      requires_user_input: true,
    });
    expect(await status()).toBe("AWAITING_INPUT");
    await a.user.reply.mutate({ agent_instance_id: id, content: "go" });
    expect(await status()).toBe("ACTIVE");
    await a.agent.endSession.mutate({ agent_instance_id: id, status: "DISCONNECTED" });
    expect(await status()).toBe("DISCONNECTED");
    await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "back" });
    expect(await status()).toBe("ACTIVE");
    await a.agent.endSession.mutate({ agent_instance_id: id, status: "FAILED" });
    expect(await status()).toBe("FAILED");
    // A step after the end is kept; a question is refused: nobody would answer it.
    await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "late step" });
    expect(await status()).toBe("FAILED");
    await expect(
      a.agent.sendMessage.mutate({ agent_instance_id: id, content: "late question", requires_user_input: true }),
    ).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    expect(await status()).toBe("FAILED");
    // Going away after finishing does not undo the finish.
    expect(await a.agent.endSession.mutate({ agent_instance_id: id, status: "DISCONNECTED" })).toMatchObject({
      final_status: "FAILED",
    });
    expect(await status()).toBe("FAILED");
    const summary = await a.user.getSummary.query({});
    expect(summary.failed_instances).toBeGreaterThanOrEqual(1);
  });

  test("messages page backwards by cursor, 50 at a time, in chronological order", async () => {
    const id = randomUUID();
    for (let i = 0; i < 120; i++) {
      await a.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: `m${i}` });
    }
    const newest = await a.user.listMessages.query({ agent_instance_id: id });
    expect(newest.messages.map((m) => m.content)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 70}`));
    expect(newest.has_more).toBe(true);
    const older = await a.user.listMessages.query({ agent_instance_id: id, before_message_id: newest.messages[0]?.id });
    expect(older.messages.map((m) => m.content)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 20}`));
    const oldest = await a.user.listMessages.query({ agent_instance_id: id, before_message_id: older.messages[0]?.id });
    expect(oldest.messages.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(oldest.has_more).toBe(false);
  });

  test("rename, complete, delete; instance lists filter and page", async () => {
    const u = await newUserWithKey(server.url, "lists");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = randomUUID();
      ids.push(id);
      await u.agent.registerInstance.mutate({
        agent_type: i % 2 ? "Cursor" : "claude code",
        agent_instance_id: id,
        name: `run ${i}`,
      });
    }
    await expect(u.agent.registerInstance.mutate({ agent_type: "x", agent_instance_id: ids[0] })).rejects.toMatchObject(
      { data: { code: "CONFLICT" } },
    );
    const [first, second, third] = ids;
    if (!first || !second || !third) throw new Error("setup");
    expect((await u.user.renameInstance.mutate({ agent_instance_id: first, name: "renamed" })).name).toBe("renamed");
    expect((await u.user.markCompleted.mutate({ agent_instance_id: second })).status).toBe("COMPLETED");
    expect(await u.user.deleteInstance.mutate({ agent_instance_id: third })).toEqual({ success: true });
    await expect(u.user.getInstance.query({ agent_instance_id: third })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    await expect(
      u.agent.sendMessage.mutate({ agent_instance_id: third, content: "still here?" }),
    ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });

    const page1 = await u.user.listInstances.query({ limit: 2 });
    const page2 = await u.user.listInstances.query({ limit: 2, cursor: page1.next_cursor ?? undefined });
    expect(page1.instances).toHaveLength(2);
    expect(page2.instances).toHaveLength(2);
    expect(page2.next_cursor).toBeNull();
    expect(new Set([...page1.instances, ...page2.instances].map((i) => i.id)).size).toBe(4);
    const completed = await u.user.listInstances.query({ status: "COMPLETED" });
    expect(completed.instances.map((i) => i.id)).toEqual([second]);
    const active = await u.user.listInstances.query({ status: ["ACTIVE", "AWAITING_INPUT"] });
    expect(active.instances).toHaveLength(3);
    const types = await u.user.listAgentTypes.query({});
    expect(types.map((t) => t.name)).toEqual(["claude code", "cursor"]);
    const cursorType = types.find((t) => t.name === "cursor");
    const byType = await u.user.listInstances.query({ agent_type_id: cursorType?.id });
    expect(byType.instances).toHaveLength(2);
  });

  test("a base64 git diff from Omnara's Python SDK is stored decoded", async () => {
    const id = randomUUID();
    const diff = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
    await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "edit",
      git_diff: Buffer.from(diff).toString("base64"),
    });
    expect((await a.user.getInstance.query({ agent_instance_id: id })).git_diff).toBe(diff);
    await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "edit 2", git_diff: diff.replace("+b", "+c") });
    expect((await a.user.getInstance.query({ agent_instance_id: id })).git_diff).toContain("+c");
  });
});
