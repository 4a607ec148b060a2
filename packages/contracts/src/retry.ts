import type { Operation, RetryClass } from "./operation.ts";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** Whether this call of the operation may be sent again (see `RetryRule`); unsafe unless it says. */
export function retryClassOf(op: Operation, input: unknown): RetryClass {
  const rule = op.retry ?? "unsafe";
  if (typeof rule === "string") return rule;
  return isRecord(input) && Boolean(input[rule.safeWith]) ? "safe" : "unsafe";
}

/** The seconds a waiting call may wait on a person, from its input; undefined if it never waits. */
export function waitSecondsOf(op: Operation, input: unknown, fallback: number): number | undefined {
  if (!op.waits) return undefined;
  const value = isRecord(input) ? input[op.waits.seconds] : undefined;
  return Number(value ?? fallback);
}
