import type { InstanceStatus } from "@omnara/contracts";

/**
 * The status machine, in one place. COMPLETED and FAILED are final for agent activity;
 * DISCONNECTED is not (the agent may come back); DELETED is handled as "not found" by callers.
 */
const FINAL: ReadonlySet<InstanceStatus> = new Set(["COMPLETED", "FAILED", "DELETED"]);

/** An agent sent a message: a question waits for input, anything else means it is working. */
export const afterAgentMessage = (current: InstanceStatus, isQuestion: boolean): InstanceStatus =>
  FINAL.has(current) ? current : isQuestion ? "AWAITING_INPUT" : "ACTIVE";

/** The user replied: a waiting agent goes back to work. */
export const afterUserReply = (current: InstanceStatus): InstanceStatus =>
  current === "AWAITING_INPUT" ? "ACTIVE" : current;

/** The agent turned an earlier message into a question with nothing answered yet. */
export const afterRequestInput = (current: InstanceStatus): InstanceStatus =>
  FINAL.has(current) ? current : "AWAITING_INPUT";

/** A heartbeat proves the agent is back if it had been marked disconnected. */
export const afterHeartbeat = (current: InstanceStatus): InstanceStatus =>
  current === "DISCONNECTED" ? "ACTIVE" : current;

export const isFinal = (status: InstanceStatus): boolean => FINAL.has(status);

/** The agent ended its session. Going away (DISCONNECTED) never undoes a finished session. */
export const afterEndSession = (
  current: InstanceStatus,
  requested: "COMPLETED" | "FAILED" | "DISCONNECTED",
): "COMPLETED" | "FAILED" | "DISCONNECTED" =>
  requested === "DISCONNECTED" && (current === "COMPLETED" || current === "FAILED") ? current : requested;
