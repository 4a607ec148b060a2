import { randomUUID } from "node:crypto";
import { describeEachDatabase, newUserWithKey } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type NotifyServer, startNotifyServer } from "./support/server.ts";

/**
 * The notification dispatcher of every process wakes only for writes that queued a job or a
 * webhook delivery: an agent step that asks for no push or email (nearly every step) costs it no
 * pass (no claim statements), a question does; a reply costs none unless it queued a webhook.
 * The bus hands an event to all its subscribers in one synchronous pass, and the test's handler
 * only resolves a promise, so once the test sees an event, idle() covers any pass it started.
 * The dispatcher's slow sweep (a pass every 30 s without a wake) is put out of the test's reach:
 * on a loaded machine the test can run past 30 s, and a sweep would count as a pass.
 */
describeEachDatabase("issue 14: the dispatcher wakes only for events that queued a job", (kind) => {
  let server: NotifyServer;
  beforeAll(async () => {
    server = await startNotifyServer(kind, { notifications: { sweepMs: 3_600_000 } });
  });
  afterAll(() => server?.close());

  test("20 plain steps: no dispatcher pass; a question: a pass; replies: none until one queues a webhook", async () => {
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

      // Replies queue nothing while the user has no webhook: the dispatcher sleeps through them.
      const afterQuestion = passes;
      for (let answer = 0; answer < 10; answer++) {
        const replied = await alice.user.reply.mutate({ agent_instance_id: id, content: `answer ${answer}` });
        await heard(replied.id);
        await dispatcher.idle();
      }
      expect(passes).toBe(afterQuestion);
      // A reply that queues a user_reply webhook wakes it.
      await alice.user.createWebhook.mutate({ url: "http://127.0.0.1:9/hook", events: ["user_reply"] });
      const hooked = await alice.user.reply.mutate({ agent_instance_id: id, content: "with a webhook" });
      await heard(hooked.id);
      await dispatcher.idle();
      expect(passes).toBeGreaterThan(afterQuestion);
    } finally {
      stopCounting();
      stop();
    }
  }, 60_000);
});
