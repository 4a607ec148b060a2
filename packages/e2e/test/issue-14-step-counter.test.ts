import { randomUUID } from "node:crypto";
import { logStep } from "@omnara/core";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * log_step's step_number is the instance's step counter, a column counted under the instance's
 * row lock: two steps sent at once never get the same number (a count over messages taken after
 * the transaction could), and numbers run 1, 2, 3… with no gap.
 */
const ROUNDS = 100;
const AT_ONCE = 10;

describeEachDatabase("issue 14: the step counter under concurrent steps", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test(`${ROUNDS} rounds of two concurrent steps on one instance: distinct, consecutive numbers`, async () => {
    const alice = await newUserWithKey(server.url, "steps");
    const caller = { userId: alice.userId, apiKeyId: alice.apiKeyId };
    let violations = 0;
    const round = async () => {
      const id = randomUUID();
      const first = await logStep(server.deps, caller, {
        agent_instance_id: id,
        agent_type: "steps",
        step_description: "1",
      });
      const pair = await Promise.all(
        ["a", "b"].map((step) => logStep(server.deps, caller, { agent_instance_id: id, step_description: step })),
      );
      const numbers = [first.step_number, ...pair.map((sent) => sent.step_number)].sort((x, y) => x - y);
      if (numbers.join() !== "1,2,3") violations += 1;
    };
    for (let done = 0; done < ROUNDS; done += AT_ONCE) await Promise.all(Array.from({ length: AT_ONCE }, round));
    expect(violations).toBe(0);
  }, 120_000);
});
