import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { IsoDateTime, PageLimit, Uuid } from "../schemas.ts";

/**
 * The human decisions the audit records. `instance.interrupt`, `instance.stop` and
 * `instance.launch` are the remote-control decisions, recorded by those operations.
 */
export const auditActions = [
  "message.reply",
  "question.answer",
  "instance.mark_completed",
  "instance.delete",
  "instance.rename",
  "instance.share",
  "instance.unshare",
  "instance.interrupt",
  "instance.stop",
  "instance.launch",
  "api_key.create",
  "api_key.revoke",
  "cli_login.approve",
  "cli_login.deny",
  "session.revoke",
  "account.sign_out_everywhere",
  "account.password_change",
  "account.password_reset",
  "team.create",
  "team.invite",
  "team.invite_cancel",
  "team.join",
  "team.decline",
  "team.role_change",
  "team.remove",
  "team.leave",
  "team.share",
  "team.unshare",
  "team.delete",
] as const;
export const AuditAction = z.enum(auditActions);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditTargetType = z.enum([
  "instance",
  "share",
  "api_key",
  "session",
  "account",
  "cli_login",
  "team",
  "agent_type",
]);
export type AuditTargetType = z.infer<typeof AuditTargetType>;

/** A detail of a decision: small scalar facts (a new name, a role, how many sessions ended). */
export const AuditDetail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type AuditDetail = z.infer<typeof AuditDetail>;

export const AuditEntry = z.object({
  id: Uuid,
  action: AuditAction,
  /** Who decided: the owner, or a share's recipient acting on the owner's instance. */
  actor_id: Uuid.nullable(),
  actor_email: z.string().nullable(),
  target_type: AuditTargetType,
  target_id: z.string().nullable(),
  detail: AuditDetail,
  user_agent: z.string().nullable(),
  client_address: z.string().nullable(),
  created_at: IsoDateTime,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** An opaque page position: the last entry's created_at and id. */
export const AuditCursor = z.string().max(200);

export const listAudit = defineOperation({
  id: "listAudit",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The account's audit, newest first: every decision taken on its instances and account (replies and answers, mark completed, delete, rename, share and unshare, API keys made and revoked, CLI sign-ins approved or denied, sessions signed out, password changed or reset), with who decided, from which device and address, and when. Pass next_cursor back as cursor for the next page. GET /api/v1/audit/export?format=csv|json downloads all of it.",
  input: z.object({ cursor: AuditCursor.optional(), limit: PageLimit.default(limits.pageSize) }),
  output: z.object({ entries: z.array(AuditEntry), next_cursor: AuditCursor.nullable() }),
  rest: { method: "GET", path: "/api/v1/audit" },
});
