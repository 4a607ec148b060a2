import { randomUUID } from "node:crypto";
import { OmnaraError } from "@omnara/contracts";
import { cancelQueuedMessage, ownerAccess, reply, sendMessage, waitForReply } from "@omnara/core";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * The one-statement paths (an agent's message, a reply, a woken agent's delivery) each read with
 * a snapshot taken before their row lock. These races check that a writer committing while such a
 * statement waits for the lock is never lost and never counted twice.
 */
const ROUNDS = 100;
const AT_ONCE = 10;

type Member = Awaited<ReturnType<typeof newUserWithKey>>;

const outcome = (promise: Promise<unknown>): Promise<"done" | "refused"> =>
  promise.then(
    () => "done" as const,
    (error: unknown) => {
      if (error instanceof OmnaraError && error.code === "CONFLICT") return "refused" as const;
      throw error;
    },
  );

describeEachDatabase("issue 14: the one-statement paths racing their neighbours", (kind) => {
  let server: TestServer;
  let a: Member;
  beforeAll(async () => {
    server = await startTestServer(kind);
    a = await newUserWithKey(server.url, "one-statement-races");
  });
  afterAll(() => server.close());

  const caller = () => ({ userId: a.userId, apiKeyId: a.apiKeyId });
  const inBatches = async (round: (n: number) => Promise<void>) => {
    for (let done = 0; done < ROUNDS; done += AT_ONCE) {
      await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => round(done + i)));
    }
  };
  const working = async () => {
    const id = randomUUID();
    const step = await sendMessage(server.deps, caller(), {
      agent_instance_id: id,
      agent_type: "racing",
      content: "working",
      requires_user_input: false,
    });
    return { id, stepId: step.message_id };
  };

  test(`a queued reply cancelled while the woken agent's delivery statement hands it over: one of the two, never both (${ROUNDS} rounds)`, async () => {
    const problems: string[] = [];
    await inBatches(async (round) => {
      const { id, stepId } = await working();
      const access = ownerAccess(caller(), id);
      // The agent is waiting (over HTTP, as agents do) before the reply exists: the reply's
      // commit wakes it and its delivery statement races the cancel.
      const waiting = a.agent.waitForReply.query({
        agent_instance_id: id,
        after_message_id: stepId,
        timeout_seconds: 20,
      });
      await a.agent.verifyKey.query({});
      const sent = await reply(server.deps, access, { agent_instance_id: id, content: `maybe ${round}` });
      const cancel = await outcome(
        cancelQueuedMessage(server.deps, access, { agent_instance_id: id, message_id: sent.id }),
      );
      // A second reply ends a wait whose first one was withdrawn.
      const after = await reply(server.deps, access, { agent_instance_id: id, content: `after ${round}` });
      const woken = await waiting;
      const got = woken.messages.filter((m) => m.id === sent.id).length;
      const shown = (await a.user.listMessages.query({ agent_instance_id: id })).messages;
      const state = shown.find((m) => m.id === sent.id)?.delivery;
      const expected = cancel === "refused" ? { got: 1, state: "delivered" } : { got: 0, state: "cancelled" };
      if (woken.status !== "replied" || got !== expected.got || state !== expected.state) {
        problems.push(`${round}: ${woken.status}, cancel ${cancel}, handed ${got}×, shown ${state}`);
      }
      // Whatever the wait did not hand over, the next message does (the second reply, once).
      const next = await sendMessage(server.deps, caller(), {
        agent_instance_id: id,
        content: "next",
        requires_user_input: false,
      });
      const handed = [...woken.messages, ...next.queued_user_messages].map((m) => m.id);
      const wanted = cancel === "refused" ? [sent.id, after.id] : [after.id];
      if (JSON.stringify(handed) !== JSON.stringify(wanted)) problems.push(`${round}: handed ${handed.length}`);
    });
    expect(problems).toEqual([]);
  }, 240_000);

  test(`a question stored while a reply arrives: the reply reaches the agent exactly once, queued or as the answer (${ROUNDS} rounds)`, async () => {
    const problems: string[] = [];
    await inBatches(async (round) => {
      const { id } = await working();
      const [answer, question] = await Promise.all([
        reply(server.deps, ownerAccess(caller(), id), { agent_instance_id: id, content: `answer ${round}` }),
        sendMessage(server.deps, caller(), {
          agent_instance_id: id,
          content: `question ${round}?`,
          requires_user_input: true,
        }),
      ]);
      const waited = await waitForReply(server.deps, caller(), {
        agent_instance_id: id,
        after_message_id: question.message_id,
        timeout_seconds: 0,
      });
      const handed = [...question.queued_user_messages, ...waited.messages].map((m) => m.id);
      if (handed.length !== 1 || handed[0] !== answer.id) problems.push(`${round}: handed ${JSON.stringify(handed)}`);
    });
    expect(problems).toEqual([]);
  }, 240_000);

  test(`an answer to a question racing the agent's next question: stored and handed over once, or refused and not stored (${ROUNDS} rounds)`, async () => {
    const problems: string[] = [];
    await inBatches(async (round) => {
      const { id } = await working();
      const first = await sendMessage(server.deps, caller(), {
        agent_instance_id: id,
        content: `first ${round}?`,
        requires_user_input: true,
      });
      const [answer, second] = await Promise.all([
        outcome(
          reply(server.deps, ownerAccess(caller(), id), {
            agent_instance_id: id,
            content: `yes ${round}`,
            question_id: first.message_id,
          }),
        ),
        sendMessage(server.deps, caller(), {
          agent_instance_id: id,
          content: `second ${round}?`,
          requires_user_input: true,
        }),
      ]);
      const waited = await waitForReply(server.deps, caller(), {
        agent_instance_id: id,
        after_message_id: second.message_id,
        timeout_seconds: 0,
      });
      const handed = [...second.queued_user_messages, ...waited.messages].map((m) => m.content);
      const stored = (await a.user.listMessages.query({ agent_instance_id: id })).messages.filter(
        (m) => m.sender_type === "USER",
      );
      // Stored before the second question: handed back by it. After: refused, the first question was no longer open.
      const wanted = answer === "done" ? [`yes ${round}`] : [];
      if (JSON.stringify(handed) !== JSON.stringify(wanted) || stored.length !== wanted.length) {
        problems.push(`${round}: ${answer}, handed ${JSON.stringify(handed)}, stored ${stored.length}`);
      }
      if (answer === "done" && second.queued_user_messages.length !== 1) problems.push(`${round}: not queued`);
    });
    expect(problems).toEqual([]);
  }, 240_000);

  test(`two answers to one question while the agent waits: one stored and handed over once, the other refused CONFLICT (${ROUNDS} rounds)`, async () => {
    const problems: string[] = [];
    await inBatches(async (round) => {
      const id = randomUUID();
      const question = await a.agent.sendMessage.mutate({
        agent_instance_id: id,
        agent_type: "racing",
        content: `Deploy ${round}?`,
        requires_user_input: true,
      });
      const waiting = a.agent.waitForReply.query({
        agent_instance_id: id,
        after_message_id: question.message_id,
        timeout_seconds: 20,
      });
      await a.agent.verifyKey.query({});
      const taps = await Promise.allSettled(
        ["Yes", "No"].map((content) =>
          a.user.reply.mutate({ agent_instance_id: id, content, question_id: question.message_id }),
        ),
      );
      const stored = taps.flatMap((tap) => (tap.status === "fulfilled" ? [tap.value] : []));
      const refused = taps.flatMap((tap) =>
        tap.status === "rejected" && tap.reason instanceof TRPCClientError ? [String(tap.reason.data?.code)] : [],
      );
      const woken = await waiting;
      const handed = woken.messages.map((m) => m.id);
      const users = (await a.user.listMessages.query({ agent_instance_id: id })).messages.filter(
        (m) => m.sender_type === "USER",
      );
      if (
        stored.length !== 1 ||
        JSON.stringify(refused) !== JSON.stringify(["CONFLICT"]) ||
        JSON.stringify(handed) !== JSON.stringify([stored[0]?.id]) ||
        users.length !== 1
      ) {
        problems.push(
          `${round}: stored ${stored.length}, refused ${refused}, handed ${handed.length}, kept ${users.length}`,
        );
      }
    });
    expect(problems).toEqual([]);
  }, 240_000);
});
