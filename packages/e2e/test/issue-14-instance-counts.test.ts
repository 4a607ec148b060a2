import { randomUUID } from "node:crypto";
import { foldCounts } from "@omnara/core";
import { schema } from "@omnara/db";
import {
  batchedUserClient,
  describeEachDatabase,
  newUserWithKey,
  startTestServer,
  type TestServer,
} from "@omnara/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

type User = Awaited<ReturnType<typeof newUserWithKey>>;
const { agentInstances, agentTypes, instanceCounts, users } = schema;

/**
 * Issue 14: the overview's counts come from instance_counts, kept by triggers on every insert,
 * status change and delete of an instance, and folded by reads; they always equal a count of
 * the instances themselves, whatever changes and folds run together.
 */
describeEachDatabase("issue 14: instance counts kept beside the instances", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const start = async (user: User, agentType: string, question = false) => {
    const id = randomUUID();
    await user.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: agentType,
      content: question ? "Which one?" : "Working on it",
      requires_user_input: question,
    });
    return id;
  };

  /** `type/status → n` from the kept rows and from the instances; zero counts left out. */
  const kept = async (userId: string) => {
    const rows = await server.database.db
      .select({
        key: sql<string>`${instanceCounts.agentTypeId}::text || '/' || ${instanceCounts.status}::text`,
        n: sql<number>`sum(${instanceCounts.n})::int`,
      })
      .from(instanceCounts)
      .where(eq(instanceCounts.userId, userId))
      .groupBy(instanceCounts.agentTypeId, instanceCounts.status);
    return Object.fromEntries(rows.filter((row) => row.n !== 0).map((row) => [row.key, row.n]));
  };
  const counted = async (userId: string) => {
    const rows = await server.database.db
      .select({
        key: sql<string>`${agentInstances.agentTypeId}::text || '/' || ${agentInstances.status}::text`,
        n: sql<number>`count(*)::int`,
      })
      .from(agentInstances)
      .where(eq(agentInstances.userId, userId))
      .groupBy(agentInstances.agentTypeId, agentInstances.status);
    return Object.fromEntries(rows.map((row) => [row.key, row.n]));
  };
  const rowsOf = async (userId: string) =>
    (await server.database.db.select().from(instanceCounts).where(eq(instanceCounts.userId, userId))).length;

  test("every insert, status change and delete moves the counts; a deleted user leaves no rows", async () => {
    const u = await newUserWithKey(server.url, "counts-kept");
    const asking = await start(u, "Claude Code", true);
    const working = await start(u, "Claude Code");
    const other = await start(u, "Cursor");
    const doomed = await start(u, "Cursor");
    await u.user.reply.mutate({ agent_instance_id: asking, content: "the first" });
    await u.agent.sendMessage.mutate({ agent_instance_id: working, content: "Which?", requires_user_input: true });
    await u.agent.endSession.mutate({ agent_instance_id: other, status: "FAILED" });
    await u.user.deleteInstance.mutate({ agent_instance_id: doomed });
    expect(await kept(u.userId)).toEqual(await counted(u.userId));

    const summary = await u.user.getSummary.query({});
    expect(summary).toMatchObject({ total_instances: 3, working_instances: 1, awaiting_input_instances: 1 });
    expect(summary.failed_instances).toBe(1);

    // Rows deleted outright, and an agent type deleted with its instances.
    await server.database.db.delete(agentInstances).where(eq(agentInstances.id, asking));
    const [cursor] = await server.database.db
      .select({ id: agentTypes.id })
      .from(agentTypes)
      .where(and(eq(agentTypes.userId, u.userId), eq(agentTypes.name, "cursor")));
    await server.database.db.delete(agentTypes).where(eq(agentTypes.id, cursor?.id ?? ""));
    expect(await kept(u.userId)).toEqual(await counted(u.userId));
    expect((await u.user.getSummary.query({})).total_instances).toBe(1);

    await server.database.db.delete(users).where(eq(users.id, u.userId));
    expect(await rowsOf(u.userId)).toBe(0);
  });

  test("a read folds a user's piled-up rows into one per count, and the counts stay", async () => {
    const u = await newUserWithKey(server.url, "counts-fold");
    const id = await start(u, "Claude Code");
    await start(u, "Claude Code", true);
    for (let i = 0; i < 150; i++) {
      const status = i % 2 === 0 ? "AWAITING_INPUT" : "ACTIVE";
      await server.database.db.update(agentInstances).set({ status }).where(eq(agentInstances.id, id));
    }
    expect(await rowsOf(u.userId)).toBeGreaterThan(256);
    const before = await counted(u.userId);
    const summary = await u.user.getSummary.query({});
    expect(summary).toMatchObject({ total_instances: 2, working_instances: 1, awaiting_input_instances: 1 });
    expect(await rowsOf(u.userId)).toBe(2);
    expect(await kept(u.userId)).toEqual(before);
    expect(await u.user.getSummary.query({})).toEqual(summary);
  });

  test("counts asked together share one read, which still sees every write made before each asked (100 rounds)", async () => {
    const u = await newUserWithKey(server.url, "counts-together");
    const overview = batchedUserClient(server.url, u.sessionToken);
    const ids = await Promise.all([start(u, "Claude Code"), start(u, "Cursor", true)]);
    const { db } = server.database;
    for (let round = 0; round < 100; round++) {
      const status = round % 2 === 0 ? "AWAITING_INPUT" : "ACTIVE";
      const waiting = status === "AWAITING_INPUT" ? 2 : 1;
      // A batch in flight while the status changes; the batch asked after the change sees it.
      const inFlight = Promise.all([overview.listAgentTypes.query({}), overview.getSummary.query({})]);
      const changed = db
        .update(agentInstances)
        .set({ status })
        .where(eq(agentInstances.id, ids[0] ?? ""));
      await changed;
      const [types, summary] = await Promise.all([overview.listAgentTypes.query({}), overview.getSummary.query({})]);
      expect(summary.awaiting_input_instances).toBe(waiting);
      expect(types.reduce((total, type) => total + type.awaiting_input_instances, 0)).toBe(waiting);
      const [earlierTypes, earlier] = await inFlight;
      expect([1, 2]).toContain(earlier.awaiting_input_instances);
      expect(earlierTypes.reduce((total, type) => total + type.awaiting_input_instances, 0)).toBe(
        earlier.awaiting_input_instances,
      );
    }
  }, 120_000);

  test("status changes racing folds (100 rounds): the counts equal the instances after every round", async () => {
    const u = await newUserWithKey(server.url, "counts-race");
    const ids = await Promise.all([start(u, "Claude Code"), start(u, "Claude Code"), start(u, "Cursor")]);
    const { db } = server.database;
    for (let round = 0; round < 100; round++) {
      const status = round % 2 === 0 ? "AWAITING_INPUT" : "ACTIVE";
      await Promise.all([
        ...ids.map((id) => db.update(agentInstances).set({ status }).where(eq(agentInstances.id, id))),
        foldCounts(db, u.userId),
        foldCounts(db, u.userId),
        start(u, round % 3 === 0 ? "Cursor" : "Claude Code"),
      ]);
      expect(await kept(u.userId)).toEqual(await counted(u.userId));
    }
  }, 120_000);
});
