import type { Operation } from "@omnara/contracts";
import { type Caller, type InstanceAccess, requireInstanceRole } from "@omnara/core";
import type { Context } from "./context.ts";

/** What a procedure's context holds after the base procedure authenticated the caller. */
export type CallerContext = Context & { user?: Caller; access?: InstanceAccess };

const instanceIdOf = (input: unknown): string | undefined => {
  if (typeof input !== "object" || input === null || !("agent_instance_id" in input)) return undefined;
  const id = input.agent_instance_id;
  return typeof id === "string" ? id : undefined;
};

/**
 * The one place a user operation's access rule (its contract's `access`) is enforced, after its
 * input was parsed and before its handler runs. Instance rules resolve what the caller holds on
 * the named instance and hand it to the handler; "account" operations are scoped by core.
 */
export async function authorize(
  op: Operation,
  ctx: CallerContext,
  input: unknown,
): Promise<InstanceAccess | undefined> {
  if (op.audience !== "user") return undefined;
  const rule = op.access;
  if (!rule) throw new Error(`${op.id}: a user operation without an access rule is never served.`);
  if (rule === "account") return undefined;
  if (!ctx.user) throw new Error(`${op.id}: an access rule needs the user procedure's caller.`);
  const instanceId = instanceIdOf(input);
  if (instanceId === undefined) {
    if (rule.optional) return undefined;
    throw new Error(`${op.id}: an instance rule needs agent_instance_id in the input.`);
  }
  return requireInstanceRole(ctx.deps.db, ctx.user, instanceId, rule.instance);
}
