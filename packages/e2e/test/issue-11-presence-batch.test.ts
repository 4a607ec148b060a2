import { randomUUID } from "node:crypto";
import { waitForReply } from "@omnara/core";
import { schema } from "@omnara/db";
import {
  describeEachDatabase,
  LIVE_WITHIN_MS,
  newUserWithKey,
  startTestServer,
  type TestServer,
} from "@omnara/testing";
import { and, eq, gt } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * Waiting agents' beats are written together (core/instances/presence.ts) and still follow the
 * status machine: a beat keeps ACTIVE and AWAITING_INPUT, moves DISCONNECTED to ACTIVE, and every
 * waiting instance is heard and published, however many wait at once.
 */
const PER_STATUS = 100;
const STATUSES = ["ACTIVE", "AWAITING_INPUT", "DISCONNECTED"] as const;
const AFTER_BEAT = { ACTIVE: "ACTIVE", AWAITING_INPUT: "AWAITING_INPUT", DISCONNECTED: "ACTIVE" } as const;

describeEachDatabase("issue 11: the beats of many waiting agents, written together", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test(`${PER_STATUS * STATUSES.length} agents wait at once: each beats, as the status machine says`, async () => {
    const { db, bus } = server.deps;
    const alice = await newUserWithKey(server.url, "beats");
    const first = randomUUID();
    await alice.agent.sendMessage.mutate({ agent_instance_id: first, agent_type: "beats", content: "start" });
    const [row] = await db.select().from(schema.agentInstances).where(eq(schema.agentInstances.id, first));
    const stale = new Date(Date.now() - 3_600_000);
    const instances = STATUSES.flatMap((status) =>
      Array.from({ length: PER_STATUS }, () => ({
        id: randomUUID(),
        agentTypeId: row?.agentTypeId ?? "",
        userId: alice.userId,
        status,
        lastHeartbeatAt: stale,
      })),
    );
    await db.insert(schema.agentInstances).values(instances);
    const questions = await db
      .insert(schema.messages)
      .values(instances.map(({ id }) => ({ agentInstanceId: id, senderType: "AGENT" as const, content: "wait" })))
      .returning({ id: schema.messages.id, agentInstanceId: schema.messages.agentInstanceId });

    const heard = new Set<string>();
    const stop = bus.subscribe({ userId: alice.userId }, (event) => {
      if (event.type === "heartbeat") heard.add(event.agentInstanceId);
    });
    const abort = new AbortController();
    const started = new Date();
    const caller = { userId: alice.userId, apiKeyId: alice.apiKeyId };
    const waits = questions.map((q) =>
      waitForReply(
        server.deps,
        caller,
        { agent_instance_id: q.agentInstanceId, after_message_id: q.id, timeout_seconds: 60 },
        abort.signal,
      ).catch(() => undefined),
    );
    try {
      const beaten = async () =>
        db
          .select({ id: schema.agentInstances.id, status: schema.agentInstances.status })
          .from(schema.agentInstances)
          .where(
            and(eq(schema.agentInstances.userId, alice.userId), gt(schema.agentInstances.lastHeartbeatAt, started)),
          );
      const deadline = Date.now() + 45_000;
      let rows = await beaten();
      while (rows.length < instances.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = await beaten();
      }
      const statusOf = new Map(rows.map((r) => [r.id, r.status]));
      for (const instance of instances) {
        expect(statusOf.get(instance.id), `${instance.status} after a beat`).toBe(AFTER_BEAT[instance.status]);
      }
      // The beats' events reach this process over LISTEN after their rows are readable (on
      // Postgres, when the listening backend is scheduled): expect.poll's default 1 s is not room.
      await expect
        .poll(() => instances.filter(({ id }) => !heard.has(id)).length, { timeout: 2 * LIVE_WITHIN_MS })
        .toBe(0);
    } finally {
      abort.abort();
      await Promise.all(waits);
      stop();
    }
  }, 120_000);
});
