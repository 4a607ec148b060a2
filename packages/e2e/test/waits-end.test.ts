import { randomUUID } from "node:crypto";
import {
  busSubscriptions,
  describeEachDatabase,
  eventually,
  instanceTopic,
  LIVE_WITHIN_MS,
  newUserWithKey,
  rest,
  startTestServer,
  type TestServer,
} from "@omnara/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * Resolves once `count` waits are subscribed to the server's bus (each wait is one subscriber of
 * its instance's topic). The credential watch of every open call subscribes too, to the user's
 * topic, and is not counted: it subscribes before the wait does, so counting it let the test end
 * the instance before any wait was open, and it then tested a wait begun on an ended instance.
 */
const waitersAtLeast = (server: TestServer, instanceId: string, count: number) =>
  eventually(
    `${count} waits on ${instanceId} to subscribe`,
    () => busSubscriptions(server.deps.bus, instanceTopic(instanceId)) >= count,
    2 * LIVE_WITHIN_MS,
  );

describeEachDatabase("the user ending a session ends every wait on it", (kind) => {
  let server: TestServer;
  let a: Awaited<ReturnType<typeof newUserWithKey>>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    busSubscriptions(server.deps.bus); // counted from here on
    a = await newUserWithKey(server.url, "ends");
  });
  afterAll(() => server.close());

  async function question() {
    const id = randomUUID();
    const asked = await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "waiter",
      content: "Ship it?",
      requires_user_input: true,
    });
    return { id, questionId: asked.message_id };
  }

  /** A REST long-poll, a tRPC wait and a resumed ask_question, all on one question. */
  function waitEverywhere(id: string, questionId: string) {
    const query = `agent_instance_id=${id}&after_message_id=${questionId}&timeout_seconds=60`;
    const timed = <T>(promise: Promise<T>) => promise.then((value) => ({ value, at: Date.now() }));
    return Promise.all([
      timed(rest(server.url, "GET", `/api/v1/messages/wait?${query}`, { token: a.apiKey })),
      timed(a.agent.waitForReply.query({ agent_instance_id: id, after_message_id: questionId, timeout_seconds: 60 })),
      timed(
        a.agent.askQuestion.mutate({
          agent_instance_id: id,
          question_text: "Ship it?",
          question_id: questionId,
          wait_seconds: 60,
        }),
      ),
    ]);
  }

  for (const action of ["markCompleted", "deleteInstance"] as const) {
    test(`${action}: REST, tRPC and ask_question waits answer status ended at once`, async () => {
      const { id, questionId } = await question();
      const waits = waitEverywhere(id, questionId);
      await waitersAtLeast(server, id, 3);
      const endedAt = Date.now();
      if (action === "markCompleted") await a.user.markCompleted.mutate({ agent_instance_id: id });
      else await a.user.deleteInstance.mutate({ agent_instance_id: id });
      const [restWait, trpcWait, ask] = await waits;
      expect(restWait.value.status).toBe(200);
      expect(restWait.value.body).toMatchObject({ status: "ended", agent_instance_id: id, messages: [] });
      expect(trpcWait.value).toMatchObject({ status: "ended", messages: [] });
      expect(ask.value).toMatchObject({ status: "ended", answer: null, question_id: questionId });
      // Woken by the end's event: the 30 s safety re-check would come long after this bound.
      for (const wait of [restWait, trpcWait, ask]) expect(wait.at - endedAt).toBeLessThan(LIVE_WITHIN_MS);
    });
  }

  test("a wait begun on a finished instance ends at once; a reply stored before the end still answers", async () => {
    const done = await question();
    await a.agent.endSession.mutate({ agent_instance_id: done.id, status: "FAILED" });
    const started = Date.now();
    const late = await a.agent.waitForReply.query({
      agent_instance_id: done.id,
      after_message_id: done.questionId,
      timeout_seconds: 30,
    });
    expect(late.status).toBe("ended");
    // Not at the 30 s deadline: the first check ends it.
    expect(Date.now() - started).toBeLessThan(LIVE_WITHIN_MS);

    const answered = await question();
    await a.user.reply.mutate({ agent_instance_id: answered.id, content: "yes" });
    await a.user.markCompleted.mutate({ agent_instance_id: answered.id });
    const reply = await a.agent.waitForReply.query({
      agent_instance_id: answered.id,
      after_message_id: answered.questionId,
      timeout_seconds: 30,
    });
    expect(reply).toMatchObject({ status: "replied", messages: [{ content: "yes" }] });
  });

  test("a question to a finished instance is refused with CONFLICT and stores nothing; a step is kept", async () => {
    const { id } = await question();
    await a.user.markCompleted.mutate({ agent_instance_id: id });
    const refused = await a.agent.sendMessage
      .mutate({ agent_instance_id: id, content: "One more thing?", requires_user_input: true })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect(refused instanceof TRPCClientError ? refused.data?.code : undefined).toBe("CONFLICT");
    const step = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: a.apiKey,
      body: { agent_instance_id: id, content: "Cleaned up" },
    });
    expect(step.status).toBe(200);
    const instance = await a.user.getInstance.query({ agent_instance_id: id });
    expect(instance.status).toBe("COMPLETED");
    expect(instance.messages.map((message) => message.content)).toEqual(["Ship it?", "Cleaned up"]);
  });
});
