import { randomUUID } from "node:crypto";
import { agentOperations, type InstanceStatus, OmnaraError, userOperations } from "@omnara/contracts";
import {
  type AgentCaller,
  type CoreDeps,
  createDoorbell,
  deleteInstance,
  endSession,
  generateSecrets,
  heartbeat,
  type InstanceEvent,
  markCompleted,
  ownerAccess,
  reply,
  requestInput,
  sendMessage,
  transitions,
} from "@omnara/core";
import { createDb, type Database, schema } from "@omnara/db";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "@omnara/testing";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * Every pair of conflicting transitions, raced: both core calls start at once on the real
 * database, ROUNDS times, and each round's result must be what the status machine's table gives
 * for one of the two orders: the final status, and what each caller was told.
 */
const ROUNDS = 100;
/** Rounds in flight together. */
const BATCH = 50;

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
  let testDatabase: TestDatabase;
  let database: Database;
  let deps: CoreDeps;
  let caller: AgentCaller;
  let agentTypeId: string;
  const orders: Record<string, { aFirst: number; bFirst: number; either: number }> = {};
  // The domain on the database, without HTTP or the notification sender: the race is in the writes.
  beforeAll(async () => {
    testDatabase = await createTestDatabase(kind);
    database = await createDb({ url: testDatabase.url, log: console.error });
    deps = {
      db: database.db,
      bus: database.bus,
      secrets: generateSecrets(),
      now: () => new Date(),
      doorbell: createDoorbell(),
    };
    const [user] = await database.db
      .insert(schema.users)
      .values({ email: `races-${randomUUID()}@example.com` })
      .returning();
    caller = { userId: user?.id ?? "", apiKeyId: randomUUID() };
    const first = await sendMessage(
      deps,
      caller,
      send({ agent_instance_id: randomUUID(), agent_type: "race", content: "hi" }),
    );
    const [row] = await database.db
      .select()
      .from(schema.agentInstances)
      .where(eq(schema.agentInstances.id, first.agent_instance_id));
    agentTypeId = row?.agentTypeId ?? "";
  });
  afterAll(async () => {
    console.log(`[${kind}] orders seen per pair (a first / b first / either):`, JSON.stringify(orders));
    await database.close();
    await testDatabase.drop();
  });

  const send = (input: object) => agentOperations.sendMessage.input.parse(input);

  /** Fresh instances in `start`, each with one agent step (for request-input), written at once. */
  async function prepare(start: InstanceStatus, count: number): Promise<{ id: string; stepId: string }[]> {
    const rounds = Array.from({ length: count }, () => ({ id: randomUUID(), stepId: randomUUID() }));
    const { db } = database;
    await db
      .insert(schema.agentInstances)
      .values(rounds.map(({ id }) => ({ id, userId: caller.userId, agentTypeId, status: start, chatLength: 1 })));
    await db.insert(schema.messages).values(
      rounds.map(({ id, stepId }) => ({
        id: stepId,
        agentInstanceId: id,
        senderType: "AGENT" as const,
        content: "step",
      })),
    );
    return rounds;
  }

  async function perform(event: InstanceEvent, agent_instance_id: string, stepId: string): Promise<Told> {
    try {
      switch (event) {
        case "step":
          await sendMessage(deps, caller, send({ agent_instance_id, content: "another step" }));
          return { code: "ok" };
        case "question":
          await sendMessage(deps, caller, send({ agent_instance_id, content: "ok?", requires_user_input: true }));
          return { code: "ok" };
        case "requestInput":
          await requestInput(deps, caller, { message_id: stepId });
          return { code: "ok" };
        case "userReply":
          await reply(
            deps,
            ownerAccess(caller, agent_instance_id),
            userOperations.reply.input.parse({ agent_instance_id, content: "yes" }),
          );
          return { code: "ok" };
        case "heartbeat":
          await heartbeat(deps, caller, { agent_instance_id });
          return { code: "ok" };
        case "endCompleted":
        case "endFailed":
        case "processGone": {
          const status = event === "endCompleted" ? "COMPLETED" : event === "endFailed" ? "FAILED" : "DISCONNECTED";
          const ended = await endSession(deps, caller, { agent_instance_id, status });
          return { code: "ok", status: ended.final_status };
        }
        case "markCompleted": {
          const instance = await markCompleted(deps, ownerAccess(caller, agent_instance_id), {
            agent_instance_id,
            status: "COMPLETED",
          });
          return { code: "ok", status: instance.status };
        }
        case "delete":
          await deleteInstance(deps, ownerAccess(caller, agent_instance_id), { agent_instance_id });
          return { code: "ok" };
      }
    } catch (error) {
      if (error instanceof OmnaraError) return { code: error.code };
      throw error;
    }
  }

  const matches = (told: Told, expected: Told) =>
    told.code === expected.code && (told.status === undefined || told.status === expected.status);

  async function race(
    [, eventA, eventB]: Pair,
    { id, stepId }: { id: string; stepId: string },
  ): Promise<{ id: string; toldA: Told; toldB: Told }> {
    const [toldA, toldB] = await Promise.all([perform(eventA, id, stepId), perform(eventB, id, stepId)]);
    return { id, toldA, toldB };
  }

  /** The round's verdict from the stored row: undefined when it is one of the table's outcomes. */
  function judge(
    [start, eventA, eventB]: Pair,
    { toldA, toldB }: { toldA: Told; toldB: Told },
    final: InstanceStatus | undefined,
    remaining: number,
  ): string | undefined {
    const ab = simulate(start, [eventA, eventB]);
    const ba = simulate(start, [eventB, eventA]);
    const fitsAb =
      final === ab.final && matches(toldA, ab.told[0] ?? { code: "" }) && matches(toldB, ab.told[1] ?? { code: "" });
    const fitsBa =
      final === ba.final && matches(toldB, ba.told[0] ?? { code: "" }) && matches(toldA, ba.told[1] ?? { code: "" });
    const key = `${start}: ${eventA} × ${eventB}`;
    const seen = orders[key] ?? { aFirst: 0, bFirst: 0, either: 0 };
    orders[key] = seen;
    if (fitsAb && fitsBa) seen.either += 1;
    else if (fitsAb) seen.aFirst += 1;
    else if (fitsBa) seen.bFirst += 1;
    const deletedWithMessages = final === "DELETED" && remaining > 0;
    if ((fitsAb || fitsBa) && !deletedWithMessages) return undefined;
    return `${key}: final ${final}, ${eventA} → ${JSON.stringify(toldA)}, ${eventB} → ${JSON.stringify(toldB)}, ${remaining} messages left`;
  }

  for (const pair of pairs) {
    const [start, eventA, eventB] = pair;
    test(`${start}: ${eventA} × ${eventB}, ${ROUNDS} rounds, every outcome is the table's`, async () => {
      const violations: string[] = [];
      const { db } = database;
      for (let done = 0; done < ROUNDS; done += BATCH) {
        const rounds = await prepare(start, Math.min(BATCH, ROUNDS - done));
        const results = await Promise.all(rounds.map((round) => race(pair, round)));
        const ids = rounds.map((round) => round.id);
        const rows = await db
          .select({ id: schema.agentInstances.id, status: schema.agentInstances.status })
          .from(schema.agentInstances)
          .where(inArray(schema.agentInstances.id, ids));
        const left = await db
          .select({ instanceId: schema.messages.agentInstanceId })
          .from(schema.messages)
          .where(inArray(schema.messages.agentInstanceId, ids));
        for (const result of results) {
          const final = rows.find((row) => row.id === result.id)?.status;
          const remaining = left.filter((row) => row.instanceId === result.id).length;
          const violation = judge(pair, result, final, remaining);
          if (violation) violations.push(violation);
        }
      }
      expect(violations).toEqual([]);
    });
  }
});
