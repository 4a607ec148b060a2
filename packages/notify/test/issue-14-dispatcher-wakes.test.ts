import { randomUUID } from "node:crypto";
import { describeEachDatabase, newUserWithKey } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type NotifyServer, startNotifyServer } from "./support/server.ts";

/**
 * The notification dispatcher of every process wakes only for writes that queued a job or a
 * webhook delivery: an agent step that asks for no push or email (nearly every step) costs it no
 * pass (no claim statements), a question does. The bus hands each event to the dispatcher before
 * the test's own handler, so after the test sees an event, idle() covers any pass it started.
 */
describeEachDatabase("issue 14: the dispatcher wakes only for events that queued a job", (kind) => {
  let server: NotifyServer;
  beforeAll(async () => {
    server = await startNotifyServer(kind);
  });
  afterAll(() => server?.close());

  test("20 plain steps: no dispatcher pass; a question: a pass", async () => {
    const dispatcher = server.notifications;
    if (!dispatcher) throw new Error("no dispatcher");
    const alice = await newUserWithKey(server.url, "wakes");
    const id = randomUUID();
    await alice.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "wakes", content: "start" });
    await dispatcher.idle();

    const seen = new Set<string>();
    const waiters = new Set<() => void>();
    const stop = server.deps.bus.subscribe({ agentInstanceId: id }, (event) => {
      if (event.type !== "message") return;
      seen.add(event.messageId);
      for (const wake of [...waiters]) wake();
    });
    const heard = (messageId: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!seen.has(messageId)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    let passes = 0;
    const stopCounting = dispatcher.onPass(() => {
      passes += 1;
    });
    try {
      for (let step = 0; step < 20; step++) {
        const sent = await alice.agent.sendMessage.mutate({ agent_instance_id: id, content: `step ${step}` });
        await heard(sent.message_id);
        await dispatcher.idle();
      }
      expect(passes).toBe(0);
      const asked = await alice.agent.sendMessage.mutate({
        agent_instance_id: id,
        content: "Ship it?",
        requires_user_input: true,
      });
      await heard(asked.message_id);
      await dispatcher.idle();
      expect(passes).toBeGreaterThan(0);
    } finally {
      stopCounting();
      stop();
    }
  }, 60_000);
});
