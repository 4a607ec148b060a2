import { randomUUID } from "node:crypto";
import type { InstanceStatus } from "@omnara/contracts";
import { type InstanceEvent, transitions } from "@omnara/core";
import { schema } from "@omnara/db";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * Every pair of conflicting transitions, raced: both calls are sent at once over the real API,
 * ROUNDS times, and each round's result must be what the status machine's table gives for one
 * of the two orders — the final status, and what each caller was told.
 */
const ROUNDS = 100;
/** Rounds in flight together; enough to race, few enough for two shared cores. */
const BATCH = 25;

type Pair = [start: InstanceStatus, a: InstanceEvent, b: InstanceEvent];
const pairs: Pair[] = [
  ["ACTIVE", "heartbeat", "question"],
  ["AWAITING_INPUT", "heartbeat", "userReply"],
  ["AWAITING_INPUT", "heartbeat", "markCompleted"],
  ["ACTIVE", "requestInput", "heartbeat"],
  ["ACTIVE", "delete", "heartbeat"],
  ["ACTIVE", "markCompleted", "heartbeat"],
  ["ACTIVE", "endFailed", "markCompleted"],
  ["AWAITING_INPUT", "userReply", "endCompleted"],
  ["ACTIVE", "question", "markCompleted"],
  ["ACTIVE", "requestInput", "markCompleted"],
  ["ACTIVE", "step", "delete"],
  ["AWAITING_INPUT", "delete", "userReply"],
  ["ACTIVE", "delete", "markCompleted"],
  ["ACTIVE", "processGone", "endCompleted"],
  ["ACTIVE", "heartbeat", "processGone"],
  ["AWAITING_INPUT", "processGone", "userReply"],
  ["AWAITING_INPUT", "step", "question"],
  ["AWAITING_INPUT", "question", "userReply"],
  ["DISCONNECTED", "heartbeat", "endFailed"],
  ["DISCONNECTED", "heartbeat", "step"],
  ["COMPLETED", "heartbeat", "endFailed"],
  ["FAILED", "question", "markCompleted"],
];

/** What a caller was told: ok, or the error code; and the status when the answer carries one. */
interface Told {
  code: string;
  status?: InstanceStatus | undefined;
}

/** The table's answer for events applied one after the other from `start`. */
function simulate(start: InstanceStatus, events: readonly InstanceEvent[]): { told: Told[]; final: InstanceStatus } {
  let status = start;
  const told = events.map((event): Told => {
    const outcome = transitions[status][event];
    if (typeof outcome !== "string") return { code: outcome.reject, status };
    status = outcome;
    return { code: "ok", status };
  });
  return { told, final: status };
}

describeEachDatabase("status machine races", (kind) => {
  let server: TestServer;
  let a: Awaited<ReturnType<typeof newUserWithKey>>;
  const orders: Record<string, { aFirst: number; bFirst: number; either: number }> = {};
  beforeAll(async () => {
    server = await startTestServer(kind);
    a = await newUserWithKey(server.url, "races");
  });
  afterAll(async () => {
    console.log(`[${kind}] orders seen per pair (a first / b first / either):`, JSON.stringify(orders));
    await server.close();
  });

  /** A fresh instance in `start`, and an agent step on it (for request-input). */
  async function prepare(start: InstanceStatus): Promise<{ id: string; stepId: string }> {
    const id = randomUUID();
    const step = await a.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "race", content: "step" });
    if (start === "AWAITING_INPUT") {
      await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "question?", requires_user_input: true });
    } else if (start === "DISCONNECTED") {
      await a.agent.endSession.mutate({ agent_instance_id: id, status: "DISCONNECTED" });
    } else if (start === "COMPLETED") {
      await a.user.markCompleted.mutate({ agent_instance_id: id });
    } else if (start === "FAILED") {
      await a.agent.endSession.mutate({ agent_instance_id: id, status: "FAILED" });
    }
    return { id, stepId: step.message_id };
  }

  async function perform(event: InstanceEvent, id: string, stepId: string): Promise<Told> {
    const agent_instance_id = id;
    try {
      switch (event) {
        case "step":
          await a.agent.sendMessage.mutate({ agent_instance_id, content: "another step" });
          return { code: "ok" };
        case "question":
          await a.agent.sendMessage.mutate({ agent_instance_id, content: "ok?", requires_user_input: true });
          return { code: "ok" };
        case "requestInput":
          await a.agent.requestInput.mutate({ message_id: stepId });
          return { code: "ok" };
        case "userReply":
          await a.user.reply.mutate({ agent_instance_id, content: "an answer" });
          return { code: "ok" };
        case "heartbeat":
          await a.agent.heartbeat.mutate({ agent_instance_id });
          return { code: "ok" };
        case "endCompleted":
        case "endFailed":
        case "processGone": {
          const status = event === "endCompleted" ? "COMPLETED" : event === "endFailed" ? "FAILED" : "DISCONNECTED";
          const ended = await a.agent.endSession.mutate({ agent_instance_id, status });
          return { code: "ok", status: ended.final_status };
        }
        case "markCompleted": {
          const instance = await a.user.markCompleted.mutate({ agent_instance_id });
          return { code: "ok", status: instance.status };
        }
        case "delete":
          await a.user.deleteInstance.mutate({ agent_instance_id });
          return { code: "ok" };
      }
    } catch (error) {
      if (error instanceof TRPCClientError && typeof error.data?.code === "string") return { code: error.data.code };
      throw error;
    }
  }

  const matches = (told: Told, expected: Told) =>
    told.code === expected.code && (told.status === undefined || told.status === expected.status);

  async function race([start, eventA, eventB]: Pair): Promise<string | undefined> {
    const { id, stepId } = await prepare(start);
    const [toldA, toldB] = await Promise.all([perform(eventA, id, stepId), perform(eventB, id, stepId)]);
    const [row] = await server.database.db
      .select({ status: schema.agentInstances.status })
      .from(schema.agentInstances)
      .where(eq(schema.agentInstances.id, id));
    const final = row?.status;
    const remaining = await server.database.db
      .select({ id: schema.messages.id })
      .from(schema.messages)
      .where(eq(schema.messages.agentInstanceId, id));

    const ab = simulate(start, [eventA, eventB]);
    const ba = simulate(start, [eventB, eventA]);
    const fitsAb =
      final === ab.final && matches(toldA, ab.told[0] ?? { code: "" }) && matches(toldB, ab.told[1] ?? { code: "" });
    const fitsBa =
      final === ba.final && matches(toldB, ba.told[0] ?? { code: "" }) && matches(toldA, ba.told[1] ?? { code: "" });
    const key = `${start}: ${eventA} × ${eventB}`;
    const seen = (orders[key] ??= { aFirst: 0, bFirst: 0, either: 0 });
    if (fitsAb && fitsBa) seen.either += 1;
    else if (fitsAb) seen.aFirst += 1;
    else if (fitsBa) seen.bFirst += 1;
    const deletedWithMessages = final === "DELETED" && remaining.length > 0;
    if ((fitsAb || fitsBa) && !deletedWithMessages) return undefined;
    return `${key}: final ${final}, ${eventA} → ${JSON.stringify(toldA)}, ${eventB} → ${JSON.stringify(toldB)}, ${remaining.length} messages left`;
  }

  for (const pair of pairs) {
    const [start, eventA, eventB] = pair;
    test(`${start}: ${eventA} × ${eventB}, ${ROUNDS} rounds, every outcome is the table's`, async () => {
      const violations: string[] = [];
      for (let done = 0; done < ROUNDS; done += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, ROUNDS - done) }, () => race(pair));
        for (const violation of await Promise.all(batch)) if (violation) violations.push(violation);
      }
      expect(violations).toEqual([]);
    });
  }
});
