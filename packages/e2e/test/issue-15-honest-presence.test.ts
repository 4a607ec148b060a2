import { randomUUID } from "node:crypto";
import { OFFLINE_AFTER_MS } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * Issue 15: an agent blocked on a wait is alive. Its last heartbeat is made stale (as after
 * minutes of waiting), then a long-poll or an ask_question round refreshes it while it is open.
 */
describeEachDatabase("issue 15: an open wait counts as alive", (kind) => {
  let server: TestServer;
  let a: Awaited<ReturnType<typeof newUserWithKey>>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    a = await newUserWithKey(server.url, "a");
  });
  afterAll(() => server.close());

  const staleInstance = async () => {
    const id = randomUUID();
    const sent = await a.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "Ready?" });
    await server.database.db
      .update(schema.agentInstances)
      .set({ lastHeartbeatAt: new Date(Date.now() - 10 * OFFLINE_AFTER_MS) })
      .where(eq(schema.agentInstances.id, id));
    const before = await a.user.getInstance.query({ agent_instance_id: id });
    expect(Date.now() - Date.parse(before.last_heartbeat_at ?? "")).toBeGreaterThan(OFFLINE_AFTER_MS);
    return { id, messageId: sent.message_id };
  };
  const freshWhileOpen = async (id: string) => {
    for (;;) {
      const detail = await a.user.getInstance.query({ agent_instance_id: id });
      if (Date.now() - Date.parse(detail.last_heartbeat_at ?? "") < OFFLINE_AFTER_MS) return detail;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  test("a long-poll on /messages/wait keeps the instance from looking offline", async () => {
    const { id, messageId } = await staleInstance();
    const waiting = a.agent.waitForReply.query({
      agent_instance_id: id,
      after_message_id: messageId,
      timeout_seconds: 20,
    });
    const detail = await freshWhileOpen(id);
    expect(detail.status).toBe("ACTIVE");
    await a.user.reply.mutate({ agent_instance_id: id, content: "yes" });
    expect((await waiting).status).toBe("replied");
  });

  test("an ask_question round keeps the asking instance alive", async () => {
    const { id } = await staleInstance();
    const asking = a.agent.askQuestion.mutate({ agent_instance_id: id, question_text: "Ship it?", wait_seconds: 20 });
    const detail = await freshWhileOpen(id);
    expect(detail.status).toBe("AWAITING_INPUT");
    await a.user.reply.mutate({ agent_instance_id: id, content: "ship" });
    expect((await asking).answer).toBe("ship");
  });
});
