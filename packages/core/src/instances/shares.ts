import {
  type InstanceShare,
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type userOperations,
} from "@omnara/contracts";
import type { BusEvent, Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { notFound } from "../not-found.ts";
import { iso } from "../serialize.ts";
import { instanceSharesOf } from "../teams/team-shares.ts";
import type { InstanceAccess } from "./instance-access.ts";

const { instanceShares, users } = schema;
type Op = typeof userOperations;
type ShareRow = typeof instanceShares.$inferSelect;

const toShare = (row: ShareRow, hasAccount: boolean): InstanceShare => ({
  id: row.id,
  agent_instance_id: row.agentInstanceId,
  email: row.email,
  role: row.role,
  pending: !hasAccount,
  created_at: iso(row.createdAt),
});

/** The recipient's screens hear of it (a feed row of theirs, then a live poke), if they have an account. */
async function announceAccess(tx: Db, row: ShareRow): Promise<BusEvent[]> {
  if (!row.userId) return [];
  const events: BusEvent[] = [{ type: "access", userId: row.userId, agentInstanceId: row.agentInstanceId }];
  await recordFeed(tx, events);
  return events;
}

export async function shareInstance(
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<Op["shareInstance"]>,
): Promise<InstanceShare> {
  const result = await deps.db.transaction(async (tx) => {
    const [owner] = await tx.select({ email: users.email }).from(users).where(eq(users.id, access.ownerId));
    if (owner?.email === input.email) {
      throw new OmnaraError("BAD_REQUEST", "This is your own instance; share it with someone else's email.", {
        issues: [{ path: "email", message: "is the owner's own email" }],
      });
    }
    const [row] = await tx
      .insert(instanceShares)
      .values({
        agentInstanceId: access.instanceId,
        ownerId: access.ownerId,
        email: input.email,
        userId: sql`(select ${users.id} from ${users} where ${users.email} = ${input.email})`,
        role: input.role,
      })
      .onConflictDoUpdate({
        target: [instanceShares.agentInstanceId, instanceShares.email],
        set: { role: input.role },
      })
      .returning();
    if (!row) throw new Error("share upsert returned no row");
    await recordAudit(tx, {
      actor: access,
      ownerId: access.ownerId,
      action: "instance.share",
      target: { type: "instance", id: access.instanceId },
      detail: { share_id: row.id, email: row.email, role: row.role },
      at: deps.now(),
    });
    return { row, events: await announceAccess(tx, row) };
  });
  await deps.bus.publish(result.events);
  return toShare(result.row, result.row.userId !== null);
}

export async function listShares(
  deps: CoreDeps,
  access: InstanceAccess,
  _input: OperationArgs<Op["listShares"]>,
): Promise<OperationOutput<Op["listShares"]>> {
  const rows = await deps.db
    .select({ share: instanceShares, accountId: users.id })
    .from(instanceShares)
    .leftJoin(users, eq(users.email, instanceShares.email))
    .where(eq(instanceShares.agentInstanceId, access.instanceId))
    .orderBy(asc(instanceShares.createdAt), asc(instanceShares.id));
  return {
    shares: rows.map((row) => toShare(row.share, row.accountId !== null)),
    team_shares: await instanceSharesOf(deps.db, { instance: access.instanceId }),
  };
}

export async function revokeShare(
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<Op["revokeShare"]>,
): Promise<{ success: true }> {
  const events = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(instanceShares)
      .where(and(eq(instanceShares.id, input.share_id), eq(instanceShares.agentInstanceId, access.instanceId)))
      .returning();
    if (!row) throw notFound(`Share ${input.share_id}`);
    await recordAudit(tx, {
      actor: access,
      ownerId: access.ownerId,
      action: "instance.unshare",
      target: { type: "instance", id: access.instanceId },
      detail: { share_id: row.id, email: row.email, role: row.role },
      at: deps.now(),
    });
    return announceAccess(tx, row);
  });
  await deps.bus.publish(events);
  return { success: true };
}

/** A new account takes the shares that waited on its email. */
export async function linkWaitingShares(db: Db, user: { id: string; email: string }): Promise<void> {
  await db
    .update(instanceShares)
    .set({ userId: user.id })
    .where(and(eq(instanceShares.email, user.email), isNull(instanceShares.userId)));
}
