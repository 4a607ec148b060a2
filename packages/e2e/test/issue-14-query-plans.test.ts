import { randomUUID } from "node:crypto";
import { userOperations } from "@omnara/contracts";
import {
  type CoreDeps,
  createDoorbell,
  events,
  generateSecrets,
  getInstance,
  getSummary,
  listAgentTypes,
  listInstances,
  listMessages,
  listMessagesAsOwner,
  ownerAccess,
  reply,
  sendMessage,
  waitForReply,
} from "@omnara/core";
import { createDb, createMemoryBus, type Db, schema } from "@omnara/db";
import { createTestDatabase, seedHeavyUser, type TestDatabase, testEnv } from "@omnara/testing";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The hot reads use indexes at scale: one user with 100 000 instances and 1 000 000 messages
 * (beside other users' data), every statement the overview, the lists, a message page, a step,
 * a question, a reply, a wait and a stream issue is captured from the driver and EXPLAINed; a
 * sequential scan of messages, agent_instances or instance_counts fails the test.
 */
const INSTANCES = 100_000;
const MESSAGES_PER_INSTANCE = 10;
const OTHER_USERS = 50;
const OTHER_INSTANCES = 1_000;
const WATCHED = new Set(["messages", "agent_instances", "instance_counts"]);

const suite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

const indexesOf = (node: PlanNode): string[] => [
  ...(node["Index Name"] ? [node["Index Name"]] : []),
  ...(node.Plans ?? []).flatMap(indexesOf),
];

const seqScans = (node: PlanNode): string[] => [
  ...(node["Node Type"] === "Seq Scan" && node["Relation Name"] && WATCHED.has(node["Relation Name"])
    ? [node["Relation Name"]]
    : []),
  ...(node.Plans ?? []).flatMap(seqScans),
];

suite("issue 14: hot reads use indexes at 100k instances / 1M messages [postgres]", () => {
  let database: TestDatabase;
  let admin: postgres.Sql;
  let url = "";
  /** Every traced pool made, ended after the last test (a path's late work may still use it). */
  const pools: postgres.Sql[] = [];
  const user = randomUUID();
  let someInstance = "";

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    url = database.url ?? "";
    const migrated = await createDb({ url, log: console.error });
    await migrated.close();
    admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin`insert into users (id, email) values (${user}, 'heavy@example.com')`;
    await seedHeavyUser(url, user, {
      instances: INSTANCES,
      messagesPerInstance: MESSAGES_PER_INSTANCE,
      otherUsers: OTHER_USERS,
      otherInstances: OTHER_INSTANCES,
    });
    const [row] = await admin<{ id: string }[]>`
      select id from agent_instances where user_id = ${user} and status = 'ACTIVE' limit 1`;
    someInstance = row?.id ?? "";
    // Shared with the heavy user: one other user's instance by email, and all of another's
    // agent type (its 1 000 instances) through a team, so the lists read both sides.
    const [sharer, teamOwner] = await admin<
      { id: string }[]
    >`select id from users where id <> ${user} order by id limit 2`;
    await admin`
      insert into instance_shares (agent_instance_id, owner_id, email, user_id, role)
      select id, user_id, 'heavy@example.com', ${user}, 'READ' from agent_instances where user_id = ${sharer?.id ?? ""} limit 1`;
    const [team] = await admin<{ id: string }[]>`insert into teams (name) values ('heavy team') returning id`;
    await admin`
      insert into team_members (team_id, user_id, role)
      values (${team?.id ?? ""}, ${teamOwner?.id ?? ""}, 'owner'), (${team?.id ?? ""}, ${user}, 'member')`;
    await admin`
      insert into team_agent_type_shares (team_id, agent_type_id, access)
      select ${team?.id ?? ""}, id, 'READ' from agent_types where user_id = ${teamOwner?.id ?? ""}`;
    await admin`analyze`;
  }, 600_000);

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await admin?.end();
    await database?.drop();
  });

  /**
   * Runs `path` on deps of its own (a pool whose every statement is captured), then EXPLAINs
   * each data statement it sent; returns the sequential scans found. Work an earlier path left
   * running (a presence flush, a stream's read) goes to that path's pool, not counted here.
   */
  async function plansOf(
    path: (deps: CoreDeps) => Promise<unknown>,
  ): Promise<{ statements: number; scans: string[]; indexes: string[] }> {
    const captured: { query: string; parameters: postgres.ParameterOrJSON<never>[] }[] = [];
    const traced = postgres(url, {
      max: 4,
      onnotice: () => {},
      fetch_types: false,
      debug: (_connection, query, parameters) => captured.push({ query, parameters }),
    });
    pools.push(traced);
    const db: Db = drizzle({ client: traced, schema, casing: "snake_case" });
    await path({
      db,
      bus: createMemoryBus(),
      secrets: generateSecrets(),
      now: () => new Date(),
      doorbell: createDoorbell(),
    });
    // A set operation's statement opens with its first part's parenthesis: `(select …) union all …`.
    const statements = captured.filter(({ query }) => /^\s*\(?\s*(select|insert|update|delete|with)\b/i.test(query));
    const scans: string[] = [];
    const indexes: string[] = [];
    for (const { query, parameters } of statements) {
      const [row] = await admin.unsafe(`explain (format json) ${query}`, parameters);
      const plan = (row?.["QUERY PLAN"] as { Plan: PlanNode }[] | undefined)?.[0]?.Plan;
      if (!plan) throw new Error(`no plan for ${query}`);
      for (const relation of seqScans(plan)) scans.push(`${relation}: ${query}`);
      indexes.push(...indexesOf(plan));
    }
    return { statements: statements.length, scans, indexes };
  }

  const caller = () => ({ userId: user, apiKeyId: randomUUID() });
  const ops = userOperations;

  const paths: [string, (deps: CoreDeps) => Promise<unknown>][] = [
    [
      "overview: agent types with recent instances",
      (deps) => listAgentTypes(deps, caller(), ops.listAgentTypes.input.parse({})),
    ],
    ["overview: summary counts", (deps) => getSummary(deps, caller())],
    ["instance list, first page", (deps) => listInstances(deps, caller(), ops.listInstances.input.parse({}))],
    [
      "instance list, waiting only, next page",
      async (deps) => {
        const first = await listInstances(
          deps,
          caller(),
          ops.listInstances.input.parse({ status: ["AWAITING_INPUT"] }),
        );
        const cursor = first.next_cursor ?? undefined;
        return listInstances(deps, caller(), ops.listInstances.input.parse({ status: ["AWAITING_INPUT"], cursor }));
      },
    ],
    [
      "instance detail and a message page",
      async (deps) => {
        const access = ownerAccess(caller(), someInstance);
        await getInstance(deps, access, ops.getInstance.input.parse({ agent_instance_id: someInstance }));
        return listMessages(deps, access, ops.listMessages.input.parse({ agent_instance_id: someInstance }));
      },
    ],
    [
      "a message page paging back from a message",
      async (deps) => {
        const access = ownerAccess(caller(), someInstance);
        const first = await listMessages(
          deps,
          access,
          ops.listMessages.input.parse({ agent_instance_id: someInstance, limit: 3 }),
        );
        const before_message_id = first.messages[0]?.id;
        return listMessages(
          deps,
          access,
          ops.listMessages.input.parse({ agent_instance_id: someInstance, limit: 3, before_message_id }),
        );
      },
    ],
    [
      "a step, a question, the reply and the wait",
      async (deps) => {
        const agent = caller();
        await sendMessage(deps, agent, {
          agent_instance_id: someInstance,
          content: "step",
          requires_user_input: false,
          idempotency_key: randomUUID(),
        });
        const question = await sendMessage(deps, agent, {
          agent_instance_id: someInstance,
          content: "ship?",
          requires_user_input: true,
        });
        await reply(deps, ownerAccess(agent, someInstance), { agent_instance_id: someInstance, content: "yes" });
        return waitForReply(deps, agent, {
          agent_instance_id: someInstance,
          after_message_id: question.message_id,
          timeout_seconds: 1,
        });
      },
    ],
    [
      "a dashboard stream's first reads",
      async (deps) => {
        const abort = new AbortController();
        const stream = events(deps, { userId: user }, undefined, { lastEventId: "1.0" }, abort.signal);
        await stream.next();
        await stream.next();
        abort.abort();
        await stream.return(undefined);
      },
    ],
  ];

  test.each(paths)(
    "%s: no sequential scan of messages, agent_instances or instance_counts",
    async (_name, path) => {
      const { statements, scans } = await plansOf(path);
      expect(statements).toBeGreaterThan(0);
      expect(scans).toEqual([]);
    },
    120_000,
  );

  test("a card's recent instances are read in the attention index's order, not sorted from all of the type's", async () => {
    const { indexes } = await plansOf((deps) => listAgentTypes(deps, caller(), ops.listAgentTypes.input.parse({})));
    expect(indexes).toContain("agent_instances_attention_idx");
  }, 120_000);

  test("a message page is one statement, the instance's detail one wait of two", async () => {
    const access = ownerAccess(caller(), someInstance);
    const page = await plansOf((deps) =>
      listMessages(deps, access, ops.listMessages.input.parse({ agent_instance_id: someInstance })),
    );
    expect(page).toMatchObject({ statements: 1, scans: [] });
    const detail = await plansOf((deps) =>
      getInstance(deps, access, ops.getInstance.input.parse({ agent_instance_id: someInstance })),
    );
    expect(detail).toMatchObject({ statements: 2, scans: [] });
  }, 120_000);

  test("the overview's two reads asked together share one read of the counts; an owner's page is one statement", async () => {
    const together = await plansOf((deps) =>
      Promise.all([listAgentTypes(deps, caller(), ops.listAgentTypes.input.parse({})), getSummary(deps, caller())]),
    );
    // The types with their recent instances, the counts once, the types' names for the summary.
    expect(together).toMatchObject({ statements: 3, scans: [] });
    const page = await plansOf((deps) =>
      listMessagesAsOwner(deps, caller(), ops.listMessages.input.parse({ agent_instance_id: someInstance })),
    );
    expect(page).toMatchObject({ statements: 1, scans: [] });
  }, 120_000);

  test("the overview's two statements do not grow with its five types; each card waiting first, then newest", async () => {
    let types: Awaited<ReturnType<typeof listAgentTypes>> = [];
    const { statements, scans } = await plansOf(async (deps) => {
      types = await listAgentTypes(deps, caller(), ops.listAgentTypes.input.parse({ recent_limit: 30 }));
    });
    expect(scans).toEqual([]);
    // The types with their recent instances are one statement; the counts (kept by status, and
    // the waiting ones gone quiet) one more.
    expect(statements).toBeLessThanOrEqual(2);
    expect(types.map((type) => type.name)).toEqual(["type 1", "type 2", "type 3", "type 4", "type 5"]);
    for (const type of types) {
      expect(type.recent_instances).toHaveLength(30);
      const waiting = type.recent_instances.map((instance) => instance.status === "AWAITING_INPUT");
      // 1 in 50 instances waits, all of type 1 (the seed's pattern): its card starts with them.
      if (type.name === "type 1") expect(waiting[0]).toBe(true);
      expect(waiting).toEqual([...waiting].sort((a, b) => Number(b) - Number(a)));
      const others = type.recent_instances.filter((instance) => instance.status !== "AWAITING_INPUT");
      const times = others.map((instance) => Date.parse(instance.latest_message_at ?? instance.started_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(type.recent_instances.every((instance) => instance.status !== "DELETED")).toBe(true);
    }
  }, 120_000);
});
