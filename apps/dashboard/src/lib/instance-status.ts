import { type AgentInstance, OFFLINE_AFTER_MS } from "@omnara/contracts";

/** What the status pill says; "offline" is derived from the heartbeat, not stored. */
export type DisplayStatus = "active" | "waiting" | "offline" | "completed" | "failed" | "deleted";

export function displayStatus(
  instance: Pick<AgentInstance, "status" | "last_heartbeat_at">,
  now: number,
): DisplayStatus {
  switch (instance.status) {
    case "COMPLETED":
      return "completed";
    case "FAILED":
      return "failed";
    case "DELETED":
      return "deleted";
    case "DISCONNECTED":
      return "offline";
    case "AWAITING_INPUT":
    case "ACTIVE": {
      const beat = instance.last_heartbeat_at ? Date.parse(instance.last_heartbeat_at) : Number.NaN;
      if (!Number.isNaN(beat) && now - beat > OFFLINE_AFTER_MS) return "offline";
      return instance.status === "AWAITING_INPUT" ? "waiting" : "active";
    }
  }
}

export const statusLabel: Record<DisplayStatus, string> = {
  active: "Active",
  waiting: "Waiting for you",
  offline: "Offline",
  completed: "Completed",
  failed: "Failed",
  deleted: "Deleted",
};

export const isOpen = (instance: Pick<AgentInstance, "status">): boolean =>
  instance.status === "ACTIVE" || instance.status === "AWAITING_INPUT" || instance.status === "DISCONNECTED";

/** The name to show: the one given, else the agent type's. */
export const instanceTitle = (instance: Pick<AgentInstance, "name" | "agent_type_name">): string =>
  instance.name ?? instance.agent_type_name;

/** The short id shown beside a name that several instances share. */
export const shortId = (id: string): string => id.replace(/-/g, "").slice(0, 6);

/** The titles that more than one of these instances has: those rows show a short id and start time. */
export function sharedTitles(instances: readonly Pick<AgentInstance, "name" | "agent_type_name">[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const instance of instances) {
    const title = instanceTitle(instance);
    if (seen.has(title)) repeated.add(title);
    seen.add(title);
  }
  return repeated;
}

/** Who shared the instance with the user, and through which team: "by a@b.com through team Ops". */
export const sharedBy = (shared: NonNullable<AgentInstance["shared"]>): string =>
  `by ${shared.owner_email}${shared.team_name ? ` through team ${shared.team_name}` : ""}`;
