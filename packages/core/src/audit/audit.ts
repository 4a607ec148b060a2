import {
  type AuditAction,
  type AuditDetail,
  type AuditEntry,
  type AuditTargetType,
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type userOperations,
} from "@omnara/contracts";
import { type Db, schema } from "@omnara/db";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { iso } from "../serialize.ts";

const { auditEvents, users } = schema;
type Op = typeof userOperations;

/** One decision to record; `actor` carries the device the call came from. */
export interface AuditRecord {
  actor: Caller;
  /** Whose audit it lands in: the owner of the instance or account acted on. */
  ownerId: string;
  action: AuditAction;
  target: { type: AuditTargetType; id: string | null };
  detail?: AuditDetail | undefined;
  at: Date;
  /** A team decision: it also lands in the team's audit, which its admins read. */
  teamId?: string | undefined;
}

/**
 * Records a human decision. Call it with the transaction that makes the decision, so the
 * decision and its audit row commit (or roll back) together.
 */
export async function recordAudit(tx: Db, entry: AuditRecord): Promise<void> {
  await tx.insert(auditEvents).values(auditRow(entry));
}

/** The audit_events row of a decision (also written by single-statement writers). */
export const auditRow = (entry: AuditRecord) => ({
  ownerId: entry.ownerId,
  actorId: entry.actor.userId,
  action: entry.action,
  targetType: entry.target.type,
  targetId: entry.target.id,
  detail: entry.detail ?? null,
  userAgent: entry.actor.device?.userAgent?.slice(0, 500) ?? null,
  clientAddress: entry.actor.device?.clientAddress ?? null,
  createdAt: entry.at,
  teamId: entry.teamId ?? null,
});

/** A short, single-line excerpt of free text for the audit's detail. */
export const auditExcerpt = (text: string): string => text.replace(/\s+/g, " ").trim().slice(0, 200);

interface Position {
  at: Date;
  id: string;
}

const encodeCursor = (position: Position): string =>
  Buffer.from(`${position.at.toISOString()}|${position.id}`).toString("base64url");

function decodeCursor(cursor: string): Position {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const date = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(date.getTime())) {
    throw new OmnaraError("BAD_REQUEST", "This cursor is not one listAudit returned; start without one.", {
      issues: [{ path: "cursor", message: "is not a cursor listAudit returned" }],
    });
  }
  return { at: date, id };
}

/** Whose audit: an account's (its owner's) or a team's. */
type AuditScope = { ownerId: string } | { teamId: string };

async function auditPage(db: Db, scope: AuditScope, limit: number, after: Position | undefined) {
  const conditions: SQL[] = [
    "teamId" in scope ? eq(auditEvents.teamId, scope.teamId) : eq(auditEvents.ownerId, scope.ownerId),
  ];
  if (after) {
    conditions.push(
      sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  }
  return db
    .select({ row: auditEvents, actorEmail: users.email })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit);
}

type Row = Awaited<ReturnType<typeof auditPage>>[number];

const toEntry = ({ row, actorEmail }: Row): AuditEntry => ({
  id: row.id,
  action: row.action as AuditAction,
  actor_id: row.actorId,
  actor_email: actorEmail,
  target_type: row.targetType as AuditTargetType,
  target_id: row.targetId,
  detail: row.detail ?? {},
  user_agent: row.userAgent,
  client_address: row.clientAddress,
  created_at: iso(row.createdAt),
});

/** The caller's audit (decisions on their instances and account), newest first, paged. */
export const listAudit = (
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["listAudit"]>,
): Promise<OperationOutput<Op["listAudit"]>> => auditListing(deps, { ownerId: caller.userId }, input);

/** A team's audit (its admins'), newest first, paged like the account's. */
export const listTeamAudit = (
  deps: CoreDeps,
  team: { teamId: string },
  input: OperationArgs<Op["listTeamAudit"]>,
): Promise<OperationOutput<Op["listTeamAudit"]>> => auditListing(deps, { teamId: team.teamId }, input);

async function auditListing(
  deps: CoreDeps,
  scope: AuditScope,
  input: { cursor?: string | undefined; limit: number },
): Promise<OperationOutput<Op["listAudit"]>> {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await auditPage(deps.db, scope, input.limit + 1, after);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    entries: page.map(toEntry),
    next_cursor: rows.length > input.limit && last ? encodeCursor({ at: last.row.createdAt, id: last.row.id }) : null,
  };
}

const EXPORT_PAGE = 1000;

/** Every entry of the caller's audit, newest first, read a page at a time. */
export async function* exportAudit(deps: CoreDeps, caller: Caller): AsyncGenerator<AuditEntry> {
  let after: Position | undefined;
  for (;;) {
    const rows = await auditPage(deps.db, { ownerId: caller.userId }, EXPORT_PAGE, after);
    for (const row of rows) yield toEntry(row);
    const last = rows.at(-1);
    if (!last || rows.length < EXPORT_PAGE) return;
    after = { at: last.row.createdAt, id: last.row.id };
  }
}

export const auditCsvColumns = [
  "created_at",
  "action",
  "actor_id",
  "actor_email",
  "target_type",
  "target_id",
  "detail",
  "user_agent",
  "client_address",
  "id",
] as const;

const csvCell = (value: string | null): string => {
  if (value === null) return "";
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One CSV line (CRLF-terminated) of an audit entry, in auditCsvColumns' order. */
export const auditCsvLine = (entry: AuditEntry): string =>
  `${auditCsvColumns
    .map((column) => csvCell(column === "detail" ? JSON.stringify(entry.detail) : entry[column]))
    .join(",")}\r\n`;
