import { randomUUID } from "node:crypto";
import { schema } from "@omnara/db";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { TRPCClientError } from "@trpc/client";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

const ROUNDS = 100;

const refusal = async (promise: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return { code: String(error.data?.code), message: error.message };
    throw error;
  }
  throw new Error("expected the reply to be refused");
};

describeEachDatabase("issue 15: the first answer to a question wins", (kind) => {
  let server: TestServer;
  let a: Awaited<ReturnType<typeof newUserWithKey>>;
  let b: Awaited<ReturnType<typeof newUserWithKey>>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    a = await newUserWithKey(server.url, "a");
    b = await newUserWithKey(server.url, "b");
  });
  afterAll(() => server.close());

  const ask = async () => {
    const id = randomUUID();
    const sent = await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "Deploy?\n\n[OPTIONS]\n1. Yes\n2. No\n[/OPTIONS]",
      requires_user_input: true,
    });
    return { id, questionId: sent.message_id };
  };

  test(`two tabs tap different options at once: one is stored, the other is told what won (${ROUNDS} rounds)`, async () => {
    // Rounds run ten at a time (on separate instances); within a round the two taps race.
    const round = async () => {
      const { id, questionId } = await ask();
      const results = await Promise.allSettled([
        a.user.reply.mutate({ agent_instance_id: id, content: "Yes", question_id: questionId }),
        a.user.reply.mutate({ agent_instance_id: id, content: "No", question_id: questionId }),
      ]);
      const stored = results.filter((r) => r.status === "fulfilled");
      expect(stored).toHaveLength(1);
      const winner = stored[0]?.status === "fulfilled" ? stored[0].value.content : "";
      const lost = results.find((r) => r.status === "rejected");
      const reason: unknown = lost?.status === "rejected" ? lost.reason : undefined;
      expect(reason).toBeInstanceOf(TRPCClientError);
      if (reason instanceof TRPCClientError) {
        expect(reason.data?.code).toBe("CONFLICT");
        expect(reason.message).toBe(`Already answered by you (on another device or tab): ${winner}`);
      }
      return id;
    };
    const ids: string[] = [];
    for (let batch = 0; batch < ROUNDS / 10; batch++)
      ids.push(...(await Promise.all(Array.from({ length: 10 }, round))));
    const replies = await server.database.db
      .select()
      .from(schema.messages)
      .where(and(inArray(schema.messages.agentInstanceId, ids), eq(schema.messages.senderType, "USER")));
    expect(replies).toHaveLength(ROUNDS);
  }, 120_000);

  test("a tap after the terminal answered is refused with what the terminal said", async () => {
    const { id, questionId } = await ask();
    await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      content: "Answered in the terminal: denied. Claude is waiting for you.",
      message_metadata: { kind: "answered_in_terminal", decision: "denied" },
    });
    const refused = await refusal(
      a.user.reply.mutate({ agent_instance_id: id, content: "Yes", question_id: questionId }),
    );
    expect(refused).toEqual({
      code: "CONFLICT",
      message: "Already answered in the terminal: denied. Claude is waiting for you.",
    });
    // A reply that names no question is a normal message, as before.
    const plain = await a.user.reply.mutate({ agent_instance_id: id, content: "try the tests instead" });
    expect(plain.content).toBe("try the tests instead");
  });

  test("a retried tap (same idempotency key) returns the stored answer instead of a conflict", async () => {
    const { id, questionId } = await ask();
    const tap = { agent_instance_id: id, content: "Yes", question_id: questionId, idempotency_key: randomUUID() };
    const first = await a.user.reply.mutate(tap);
    const again = await a.user.reply.mutate(tap);
    expect(again.id).toBe(first.id);
  });

  test("a question of another user's instance is not found", async () => {
    const { id, questionId } = await ask();
    expect(
      (await refusal(b.user.reply.mutate({ agent_instance_id: id, content: "Yes", question_id: questionId }))).code,
    ).toBe("NOT_FOUND");
    const other = await ask();
    expect(
      (await refusal(a.user.reply.mutate({ agent_instance_id: id, content: "Yes", question_id: other.questionId })))
        .code,
    ).toBe("NOT_FOUND");
  });
});
