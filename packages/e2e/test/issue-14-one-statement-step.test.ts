import { randomUUID } from "node:crypto";
import { logStep, ownerAccess, reply, sendMessage } from "@omnara/core";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * A plain step is stored in one statement whose snapshot predates its row lock. A reply that
 * commits while the step waits for that lock must still reach the agent exactly once: handed back
 * by this step (when it came first) or by the next one, never marked read unseen, never twice.
 */
const ROUNDS = 100;
const AT_ONCE = 10;

describeEachDatabase("issue 14: a step in one statement racing replies", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test(`${ROUNDS} rounds of a reply racing a step: each reply handed to the agent exactly once`, async () => {
    const alice = await newUserWithKey(server.url, "racing-steps");
    const caller = { userId: alice.userId, apiKeyId: alice.apiKeyId };
    const problems: string[] = [];
    const round = async () => {
      const id = randomUUID();
      await logStep(server.deps, caller, { agent_instance_id: id, agent_type: "racing", step_description: "start" });
      const [answer, racing] = await Promise.all([
        reply(server.deps, ownerAccess(caller, id), { agent_instance_id: id, content: "answer" }),
        logStep(server.deps, caller, { agent_instance_id: id, step_description: "racing" }),
      ]);
      const next = await logStep(server.deps, caller, { agent_instance_id: id, step_description: "next" });
      const handed = [...racing.user_feedback, ...next.user_feedback];
      if (handed.length !== 1 || handed[0] !== answer.content) problems.push(`${id}: ${JSON.stringify(handed)}`);
      if (racing.step_number !== 2 || next.step_number !== 3) {
        problems.push(`${id}: steps ${racing.step_number}, ${next.step_number}`);
      }
    };
    for (let done = 0; done < ROUNDS; done += AT_ONCE) await Promise.all(Array.from({ length: AT_ONCE }, round));
    expect(problems).toEqual([]);
  }, 180_000);

  test("a retried step (same idempotency key) is stored once and answers as the first did", async () => {
    const alice = await newUserWithKey(server.url, "retried-steps");
    const caller = { userId: alice.userId, apiKeyId: alice.apiKeyId };
    const id = randomUUID();
    await sendMessage(server.deps, caller, {
      agent_instance_id: id,
      agent_type: "retry",
      content: "start",
      requires_user_input: false,
    });
    await reply(server.deps, ownerAccess(caller, id), { agent_instance_id: id, content: "before the step" });
    const send = () =>
      sendMessage(server.deps, caller, {
        agent_instance_id: id,
        content: "step",
        idempotency_key: "step-1",
        requires_user_input: false,
      });
    const results = await Promise.all([send(), send(), send()]);
    const again = await send();
    const ids = new Set([...results, again].map((sent) => sent.message_id));
    expect(ids.size).toBe(1);
    expect(again.queued_user_messages.map((message) => message.content)).toEqual(["before the step"]);
    const page = await alice.user.listMessages.query({ agent_instance_id: id });
    expect(page.messages.filter((message) => message.content === "step")).toHaveLength(1);
  });

  test("a step names an unnamed instance, keeps a name, stores a diff, and leaves a wait", async () => {
    const alice = await newUserWithKey(server.url, "named-steps");
    const caller = { userId: alice.userId, apiKeyId: alice.apiKeyId };
    const id = randomUUID();
    await sendMessage(server.deps, caller, {
      agent_instance_id: id,
      agent_type: "named",
      content: "start",
      requires_user_input: false,
    });
    await sendMessage(server.deps, caller, { agent_instance_id: id, content: "q", requires_user_input: true });
    const diff = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
    await sendMessage(server.deps, caller, {
      agent_instance_id: id,
      content: "s",
      name: "first",
      git_diff: diff,
      requires_user_input: false,
    });
    await sendMessage(server.deps, caller, {
      agent_instance_id: id,
      content: "s2",
      name: "second",
      requires_user_input: false,
    });
    const instance = await alice.user.getInstance.query({ agent_instance_id: id });
    expect(instance.name).toBe("first");
    expect(instance.status).toBe("ACTIVE");
    expect(instance.git_diff).toBe(diff);
  });
});
