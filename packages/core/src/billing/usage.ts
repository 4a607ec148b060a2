import { OmnaraError, type PlanId, planLimitMessage, plans } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, count, eq, gte } from "drizzle-orm";
import type { CoreDeps } from "../deps.ts";
import { upgradeUrlOf } from "./gateway.ts";

const { agentInstances, billingAccounts, users } = schema;

/** The calendar month (UTC) that `now` is in: limits count instances started within it. */
export function billingPeriod(now: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}

export async function planOf(db: Db, userId: string): Promise<PlanId> {
  const [account] = await db
    .select({ plan: billingAccounts.plan })
    .from(billingAccounts)
    .where(eq(billingAccounts.userId, userId));
  return account?.plan ?? "free";
}

/** Instances the user started this month, deleted ones included (deleting frees no room). */
export async function instancesStarted(db: Db, userId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(agentInstances)
    .where(and(eq(agentInstances.userId, userId), gte(agentInstances.startedAt, since)));
  return row?.n ?? 0;
}

/**
 * Refuses a new instance over the plan's monthly limit (PAYMENT_REQUIRED). Call it in the
 * creating transaction: the user's row lock makes concurrent creations count one after the
 * other, so 20 at once at the limit create exactly the room that was left. NO KEY UPDATE, not
 * UPDATE: inserts that reference the user (key-share locks) are not held up by it.
 */
export async function enforceInstanceLimit(
  tx: Db,
  deps: CoreDeps,
  userId: string,
  /** Asked again once the lock is held: a concurrent retry may have created this very instance. */
  alreadyCreated: () => Promise<boolean>,
): Promise<"created elsewhere" | undefined> {
  if (!deps.billing) return undefined;
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("no key update");
  if (await alreadyCreated()) return "created elsewhere";
  const limit = plans[await planOf(tx, userId)].instancesPerMonth;
  if (limit === null) return undefined;
  const used = await instancesStarted(tx, userId, billingPeriod(deps.now()).start);
  if (used < limit) return undefined;
  const planLimit = { limit, used, upgrade_url: upgradeUrlOf(deps.billing) };
  throw new OmnaraError("PAYMENT_REQUIRED", planLimitMessage(planLimit), { planLimit });
}
