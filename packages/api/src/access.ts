import type { Operation } from "@omnara/contracts";
import {
  type Caller,
  type InstanceAccess,
  type InviteAccess,
  requireInstanceRole,
  requireInviteRecipient,
  requireOwnAgentType,
  requireTeamRole,
  type TeamAccess,
} from "@omnara/core";
import type { Context } from "./context.ts";

/** What an access rule found, handed to the handler in its context. */
export interface Granted {
  /** The caller's access to the instance an instance rule named. */
  access?: InstanceAccess;
  /** The caller's membership of the team a team rule named. */
  team?: TeamAccess;
  /** The pending invite an invite rule named, addressed to the caller. */
  invite?: InviteAccess;
}

/** What a procedure's context holds after the base procedure authenticated the caller. */
export type CallerContext = Context & { user?: Caller } & Granted;

const idOf = (input: unknown, field: string): string | undefined => {
  if (typeof input !== "object" || input === null) return undefined;
  const id: unknown = Object.entries(input).find(([key]) => key === field)?.[1];
  return typeof id === "string" ? id : undefined;
};

const required = (op: Operation, input: unknown, field: string): string => {
  const id = idOf(input, field);
  if (id === undefined) throw new Error(`${op.id}: its access rule needs ${field} in the input.`);
  return id;
};

/**
 * The one place a user operation's access rule (its contract's `access`) is enforced, after its
 * input was parsed and before its handler runs. Team rules are checked first (a non-member learns
 * nothing of the rest), then the instance's or agent type's; what they resolved goes to the
 * handler. "account" operations are scoped by core.
 */
export async function authorize(op: Operation, ctx: CallerContext, input: unknown): Promise<Granted> {
  if (op.audience !== "user") return {};
  const rule = op.access;
  if (!rule) throw new Error(`${op.id}: a user operation without an access rule is never served.`);
  if (rule === "account") return {};
  const user = ctx.user;
  if (!user) throw new Error(`${op.id}: an access rule needs the user procedure's caller.`);
  const db = ctx.deps.db;
  if ("invite" in rule) return { invite: await requireInviteRecipient(db, user, required(op, input, "invite_id")) };
  const granted: Granted = {};
  if (rule.team) granted.team = await requireTeamRole(db, user, required(op, input, "team_id"), rule.team);
  if ("agentType" in rule && rule.agentType) await requireOwnAgentType(db, user, required(op, input, "agent_type_id"));
  if ("instance" in rule && rule.instance) {
    const instanceId = idOf(input, "agent_instance_id");
    if (instanceId === undefined) {
      if (!("optional" in rule && rule.optional)) required(op, input, "agent_instance_id");
    } else {
      granted.access = await requireInstanceRole(db, user, instanceId, rule.instance);
    }
  }
  return granted;
}
