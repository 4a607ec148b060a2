import { type AgentInstance, type InstanceStatus, type OperationOutput, userOperations } from "@omnara/contracts";
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { useTRPC } from "../lib/trpc.ts";
import type { AgentTypeOverview } from "../lib/types.ts";

type Trpc = ReturnType<typeof useTRPC>;
type InstancePage = { instances: AgentInstance[]; next_cursor: string | null };

/** The server's list order (listInstances): newest started first, ties by id, descending. */
const newestFirst = (a: AgentInstance, b: AgentInstance) =>
  b.started_at.localeCompare(a.started_at) || b.id.localeCompare(a.id);

/** The server's card order (listAgentTypes' attentionOrder): waiting first, then latest activity. */
const attentionFirst = (a: AgentInstance, b: AgentInstance) =>
  Number(b.status === "AWAITING_INPUT") - Number(a.status === "AWAITING_INPUT") ||
  (b.latest_message_at ?? b.started_at).localeCompare(a.latest_message_at ?? a.started_at) ||
  a.id.localeCompare(b.id);

/** The input a cached query was fetched with, read back through the operation's own contract. */
function inputOf<T>(queryKey: readonly unknown[], schema: { safeParse(value: unknown): { data?: T } }): T | undefined {
  const meta = queryKey[1];
  const input = typeof meta === "object" && meta !== null && "input" in meta ? meta.input : {};
  return schema.safeParse(input ?? {}).data;
}

/**
 * Puts an instance's current row wherever the lists hold it: replaced in place, moved out of a
 * tab it no longer belongs to, into one it now belongs to (when its place is within what is
 * loaded), re-sorted on the overview's cards. Returns false when only a refetch can tell (a new
 * agent type, or a card that lost an instance and may have more to show).
 */
export function patchInstanceLists(queryClient: QueryClient, trpc: Trpc, instance: AgentInstance): boolean {
  let complete = true;
  for (const query of queryClient.getQueryCache().findAll(trpc.listInstances.pathFilter())) {
    const input = inputOf(query.queryKey, userOperations.listInstances.input);
    const statuses: readonly InstanceStatus[] | undefined = input?.status?.length ? input.status : undefined;
    const belongs =
      (statuses ? statuses.includes(instance.status) : instance.status !== "DELETED") &&
      (!input?.agent_type_id || input.agent_type_id === instance.agent_type_id);
    queryClient.setQueryData<InfiniteData<InstancePage>>(query.queryKey, (old) =>
      old ? placeInPages(old, instance, belongs) : old,
    );
  }
  for (const query of queryClient.getQueryCache().findAll(trpc.listAgentTypes.pathFilter())) {
    const limit = inputOf(query.queryKey, userOperations.listAgentTypes.input)?.recent_limit ?? 5;
    const types = queryClient.getQueryData<AgentTypeOverview[]>(query.queryKey);
    if (!types) continue;
    const type = types.find((t) => t.id === instance.agent_type_id);
    if (!type) {
      complete = instance.status === "DELETED";
      continue;
    }
    const others = type.recent_instances.filter((i) => i.id !== instance.id);
    const held = others.length < type.recent_instances.length;
    if (instance.status === "DELETED" && held && type.total_instances > type.recent_instances.length) complete = false;
    const recent = instance.status === "DELETED" ? others : [...others, instance].sort(attentionFirst).slice(0, limit);
    queryClient.setQueryData<AgentTypeOverview[]>(
      query.queryKey,
      types.map((t) => (t === type ? { ...t, recent_instances: recent } : t)),
    );
  }
  return complete;
}

function placeInPages(data: InfiniteData<InstancePage>, instance: AgentInstance, belongs: boolean) {
  const pages = data.pages.map((page) => ({ ...page, instances: page.instances.filter((i) => i.id !== instance.id) }));
  if (belongs) {
    // Its place is known only within what is loaded: before the last loaded row, or anywhere when
    // nothing more is left to load.
    const last = pages.at(-1);
    const fits = !last?.next_cursor || pages.some((page) => page.instances.some((i) => newestFirst(instance, i) < 0));
    if (fits) {
      const target = pages.find((page) => page.instances.some((i) => newestFirst(instance, i) < 0)) ?? last;
      if (target) target.instances = [...target.instances, instance].sort(newestFirst);
    }
  }
  return { ...data, pages };
}

/** Applies the newest heartbeats to every cached row of those instances. */
export function patchHeartbeats(queryClient: QueryClient, trpc: Trpc, beats: ReadonlyMap<string, string>): void {
  const beat = <T extends { id: string; last_heartbeat_at: string | null }>(row: T): T => {
    const at = beats.get(row.id);
    return at ? { ...row, last_heartbeat_at: at } : row;
  };
  queryClient.setQueriesData<InfiniteData<InstancePage>>(trpc.listInstances.pathFilter(), (old) =>
    old ? { ...old, pages: old.pages.map((page) => ({ ...page, instances: page.instances.map(beat) })) } : old,
  );
  queryClient.setQueriesData<AgentTypeOverview[]>(trpc.listAgentTypes.pathFilter(), (old) =>
    old?.map((type) => ({ ...type, recent_instances: type.recent_instances.map(beat) })),
  );
  for (const [id] of beats) {
    queryClient.setQueryData(trpc.getInstance.queryKey({ agent_instance_id: id }), (old) => (old ? beat(old) : old));
  }
}

/** Counts straight from the stream's summary: getSummary's cache and the cards' counts. */
export function applyCounts(
  queryClient: QueryClient,
  trpc: Trpc,
  summary: OperationOutput<typeof userOperations.getSummary>,
  awaitingByType: Readonly<Record<string, number>>,
): boolean {
  queryClient.setQueryData(trpc.getSummary.queryKey({}), summary);
  let complete = true;
  queryClient.setQueriesData<AgentTypeOverview[]>(trpc.listAgentTypes.pathFilter(), (old) => {
    if (!old) return old;
    if (summary.agent_types.some((t) => !old.some((o) => o.id === t.id))) complete = false;
    return old.map((type) => {
      const counts = summary.agent_types.find((t) => t.id === type.id);
      return counts
        ? {
            ...type,
            total_instances: counts.total_instances,
            active_instances: counts.active_instances,
            awaiting_input_instances: awaitingByType[type.id] ?? 0,
          }
        : type;
    });
  });
  return complete;
}
