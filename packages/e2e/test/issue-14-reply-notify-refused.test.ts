import { randomUUID } from "node:crypto";
import { type CoreDeps, ownerAccess, reply } from "@omnara/core";
import { type Bus, type BusEvent, schema } from "@omnara/db";
import { newUserWithKey, startTestServer, type TestServer, testEnv } from "@omnara/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * On Postgres a reply's one statement sends its own NOTIFY (pg_notify in the statement, at its
 * commit). When that statement fails, the reply must still be stored once, wake the waiting agent
 * and publish its events: the transaction path takes over. Here Postgres refuses the statement's
 * NOTIFY (a channel name longer than its 63-byte identifiers), while the bus itself still works.
 */
const ROUNDS = 10;
const suite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

suite("issue 14: a reply whose one-statement NOTIFY is refused [postgres]", () => {
  let server: TestServer;
  let refusing: CoreDeps;
  beforeAll(async () => {
    server = await startTestServer("postgres");
    const bus = server.deps.bus;
    const refusingBus: Bus = {
      publish: (events) => bus.publish(events),
      subscribe: (topic, handler) => bus.subscribe(topic, handler),
      onReconnect: (handler) => bus.onReconnect(handler),
      notifyChannel: "x".repeat(64),
      close: async () => {},
    };
    refusing = { ...server.deps, bus: refusingBus };
  });
  afterAll(() => server.close());

  /**
   * An instance's events on the server's bus from before it exists. `from(messageId, n)` gives
   * that message's event and the n − 1 after it, or fails after 10 s. Events reach a listener in
   * commit order, while the question's own NOTIFY may reach this process after later calls have
   * answered: a subscription taken after the question could count its events as the reply's.
   */
  const listen = (instanceId: string) => {
    const events: BusEvent[] = [];
    let wake = () => {};
    const stop = server.deps.bus.subscribe({ agentInstanceId: instanceId }, (event) => {
      if (event.type === "heartbeat") return;
      events.push(event);
      wake();
    });
    const from = (messageId: string, n: number) =>
      new Promise<BusEvent[]>((resolve, reject) => {
        const slice = () => {
          const at = events.findIndex((event) => event.type === "message" && event.messageId === messageId);
          return at < 0 ? [] : events.slice(at, at + n);
        };
        const timer = setTimeout(() => reject(new Error(`heard ${slice().length} of ${n} events`)), 10_000);
        wake = () => {
          if (slice().length < n) return;
          clearTimeout(timer);
          resolve(slice());
        };
        wake();
      });
    return { from, stop };
  };

  test(`the transaction path stores it once, wakes the waiting agent and moves the status (${ROUNDS} rounds)`, async () => {
    const a = await newUserWithKey(server.url, "notify-refused");
    const caller = { userId: a.userId, apiKeyId: a.apiKeyId };
    for (let round = 0; round < ROUNDS; round++) {
      const id = randomUUID();
      const heard = listen(id);
      const question = await a.agent.sendMessage.mutate({
        agent_instance_id: id,
        agent_type: "refused",
        content: `Deploy ${round}?`,
        requires_user_input: true,
      });
      const waiting = a.agent.waitForReply.query({
        agent_instance_id: id,
        after_message_id: question.message_id,
        timeout_seconds: 30,
      });
      await a.agent.verifyKey.query({});
      const answer = await reply(refusing, ownerAccess(caller, id), {
        agent_instance_id: id,
        content: `yes ${round}`,
        question_id: question.message_id,
      });
      // The events the agent's wait and the dashboards wake on, back through LISTEN.
      const events = await heard.from(answer.id, 2).finally(heard.stop);
      expect(events).toEqual([
        expect.objectContaining({ type: "message", messageId: answer.id, senderType: "USER" }),
        expect.objectContaining({ type: "instance", status: "ACTIVE" }),
      ]);
      const woken = await waiting;
      expect(woken.status).toBe("replied");
      expect(woken.messages.map((m) => m.id)).toEqual([answer.id]);
      const users = (await a.user.listMessages.query({ agent_instance_id: id })).messages.filter(
        (m) => m.sender_type === "USER",
      );
      expect(users.map((m) => m.id)).toEqual([answer.id]);
      expect((await a.user.getInstance.query({ agent_instance_id: id })).status).toBe("ACTIVE");
      const audited = await server.database.db
        .select()
        .from(schema.auditEvents)
        .where(eq(schema.auditEvents.targetId, id));
      expect(audited.map((row) => row.action)).toEqual(["question.answer"]);
    }
    expect(server.loggedErrors).toEqual([]);
  }, 120_000);
});
