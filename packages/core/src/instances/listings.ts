import type { AgentInstance, OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, asc, desc, eq, getTableColumns, ilike, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { Caller, CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { toInstance } from "../serialize.ts";
import { instancesSharedWithQuery, markShared, sharedPageIds, shareMarks } from "./shared-with.ts";
import { type LiveState, type StatusCount, statusCounts } from "./status-counts.ts";

const { agentInstances, agentTypes } = schema;
type Op = typeof userOperations;

/** Everything a list shows: not the git diff (up to 1 MiB each), which only the detail sends. */
const { gitDiff: _diff, ...listedColumns } = getTableColumns(agentInstances);

// A literal, not a parameter: the planner matches it to the partial index's predicate (a
// parameter would keep a generic plan of a prepared statement off that index).
const notDeleted = sql`${agentInstances.status} <> 'DELETED'`;
/** Waiting-for-input first, then by latest activity: what needs the human is on top. */
const attentionOrder = [
  desc(sql`${agentInstances.status} = 'AWAITING_INPUT'`),
  desc(sql`coalesce(${agentInstances.latestMessageAt}, ${agentInstances.startedAt})`),
  asc(agentInstances.id),
];

export async function listInstances(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["listInstances"]>,
): Promise<OperationOutput<Op["listInstances"]>> {
  const own = eq(agentInstances.userId, caller.userId);
  let after: { startedAt: Date; id: string } | undefined;
  if (input.cursor) {
    const shared = and(
      inArray(agentInstances.id, instancesSharedWithQuery(deps.db, caller.userId)),
      ne(agentInstances.userId, caller.userId),
    );
    const [row] = await deps.db
      .select({ startedAt: agentInstances.startedAt, id: agentInstances.id })
      .from(agentInstances)
      .where(and(eq(agentInstances.id, input.cursor), or(own, shared)));
    if (!row) throw notFound(`Cursor instance ${input.cursor}`);
    after = row;
  }
  const filters = and(
    input.status?.length ? inArray(agentInstances.status, input.status) : notDeleted,
    input.agent_type_id ? eq(agentInstances.agentTypeId, input.agent_type_id) : undefined,
    input.search ? searchFor(input.search) : undefined,
    after
      ? sql`(${agentInstances.startedAt}, ${agentInstances.id}) < (${after.startedAt.toISOString()}::timestamptz, ${after.id}::uuid)`
      : undefined,
  );
  // The caller's own instances and those shared with the caller (marked shared), in one
  // statement: each side a page on its own index, merged. (`owner or id in (shared)` in one
  // WHERE made the planner scan every instance; reading the shared ids first was a wait more.)
  const newestFirst = [desc(agentInstances.startedAt), desc(agentInstances.id)];
  const shared = inArray(
    agentInstances.id,
    sharedPageIds(deps.db, caller.userId, filters, newestFirst, input.limit + 1),
  );
  const side = (whose: SQL | undefined) =>
    deps.db
      .select({ ...listedColumns, typeName: agentTypes.name })
      .from(agentInstances)
      .innerJoin(agentTypes, eq(agentTypes.id, agentInstances.agentTypeId))
      .where(and(whose, filters))
      .orderBy(...newestFirst)
      .limit(input.limit + 1);
  // The merged rows' columns by their names: a set operation's ORDER BY knows no tables.
  const rows = await unionAll(side(own), side(shared))
    .orderBy(sql`started_at desc`, sql`id desc`)
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const marks = await shareMarks(
    deps.db,
    caller.userId,
    page.filter((row) => row.userId !== caller.userId).map((row) => row.id),
  );
  return {
    instances: page.map(({ typeName, ...row }) => markShared(toInstance(row, typeName), marks.get(row.id))),
    next_cursor: rows.length > input.limit && last ? last.id : null,
  };
}

/** A case-insensitive substring of the instance's name or its agent type's; % and _ are literal. */
function searchFor(text: string) {
  const pattern = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return or(ilike(agentInstances.name, pattern), ilike(agentTypes.name, pattern));
}

/** "Active" is working or waiting for the user; offline instances are counted apart. */
const isActive = (state: LiveState) => state === "working" || state === "waiting";

export async function listAgentTypes(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["listAgentTypes"]>,
): Promise<OperationOutput<Op["listAgentTypes"]>> {
  // Each type with its most urgent instances, in one query (a lateral join on the attention
  // index), beside the counts: two statements however many types the user has.
  const recent = deps.db
    .select(listedColumns)
    .from(agentInstances)
    .where(and(eq(agentInstances.agentTypeId, agentTypes.id), notDeleted))
    .orderBy(...attentionOrder)
    .limit(input.recent_limit)
    .as("recent");
  const [rows, counts] = await Promise.all([
    deps.db
      .select()
      .from(agentTypes)
      .leftJoinLateral(recent, sql`true`)
      .where(eq(agentTypes.userId, caller.userId))
      .orderBy(
        asc(agentTypes.name),
        desc(sql`${recent.status} = 'AWAITING_INPUT'`),
        desc(sql`coalesce(${recent.latestMessageAt}, ${recent.startedAt})`),
        asc(recent.id),
      ),
    statusCounts(deps, caller.userId),
  ]);
  const types = new Map<string, { type: (typeof rows)[number]["agent_types"]; recent: AgentInstance[] }>();
  for (const { agent_types: type, recent: instance } of rows) {
    const entry = types.get(type.id) ?? { type, recent: [] };
    if (instance) entry.recent.push(toInstance(instance, type.name));
    types.set(type.id, entry);
  }
  return [...types.values()].map(({ type, recent: instances }) => {
    const mine = counts.filter((c) => c.agentTypeId === type.id);
    const sum = (keep: (state: LiveState) => boolean) =>
      mine.filter((c) => keep(c.state)).reduce((total, c) => total + c.n, 0);
    return {
      id: type.id,
      name: type.name,
      created_at: type.createdAt.toISOString(),
      recent_instances: instances,
      total_instances: sum(() => true),
      active_instances: sum(isActive),
      awaiting_input_instances: sum((s) => s === "waiting"),
    };
  });
}

export const getSummary = async (deps: CoreDeps, caller: Caller): Promise<OperationOutput<Op["getSummary"]>> =>
  (await liveCounts(deps, caller)).summary;

/**
 * What a live stream sends after status changes: getSummary's answer, and the per-type waiting
 * counts the overview's cards show (listAgentTypes), from one count query.
 */
export async function liveCounts(
  deps: CoreDeps,
  caller: Caller,
): Promise<{ summary: OperationOutput<Op["getSummary"]>; awaitingByAgentType: Record<string, number> }> {
  const [types, counts] = await Promise.all([
    deps.db.select().from(agentTypes).where(eq(agentTypes.userId, caller.userId)).orderBy(asc(agentTypes.name)),
    statusCounts(deps, caller.userId),
  ]);
  const awaitingByAgentType: Record<string, number> = {};
  for (const type of types) awaitingByAgentType[type.id] = 0;
  for (const c of counts) {
    if (c.state === "waiting") awaitingByAgentType[c.agentTypeId] = (awaitingByAgentType[c.agentTypeId] ?? 0) + c.n;
  }
  return { summary: summarize(types, counts), awaitingByAgentType };
}

function summarize(types: { id: string; name: string }[], counts: StatusCount[]): OperationOutput<Op["getSummary"]> {
  const sum = (keep: (c: (typeof counts)[number]) => boolean) =>
    counts.filter(keep).reduce((total, c) => total + c.n, 0);
  return {
    total_instances: sum(() => true),
    active_instances: sum((c) => isActive(c.state)),
    working_instances: sum((c) => c.state === "working"),
    awaiting_input_instances: sum((c) => c.state === "waiting"),
    offline_instances: sum((c) => c.state === "offline"),
    completed_instances: sum((c) => c.state === "completed"),
    failed_instances: sum((c) => c.state === "failed"),
    agent_types: types.map((type) => ({
      id: type.id,
      name: type.name,
      total_instances: sum((c) => c.agentTypeId === type.id),
      active_instances: sum((c) => c.agentTypeId === type.id && isActive(c.state)),
    })),
  };
}
