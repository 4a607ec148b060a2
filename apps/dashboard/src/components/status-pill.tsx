import type { AgentInstance } from "@omnara/contracts";
import { displayStatus, statusLabel } from "../lib/instance-status.ts";

export function StatusPill({
  instance,
  now,
}: {
  instance: Pick<AgentInstance, "status" | "last_heartbeat_at">;
  now: number;
}) {
  const status = displayStatus(instance, now);
  return (
    <span className={`pill pill-${status}`} data-status={status}>
      {statusLabel[status]}
    </span>
  );
}
