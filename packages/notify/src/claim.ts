import { type Db, schema } from "@omnara/db";
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";

const { notificationJobs: jobs, notificationDeliveries: deliveries } = schema;
export type DeliveryRow = typeof deliveries.$inferSelect;

/**
 * Claims are leases: one short statement marks rows as taken until `leaseUntil`, so no
 * transaction stays open across a provider's network call (PGlite has one connection) and a
 * process that dies mid-send leaves rows that another process picks up when the lease ends.
 * SKIP LOCKED lets several processes claim at once without waiting on each other.
 */
export async function claimDueJobs(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<string[]> {
  const due = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.state, "pending"), lte(jobs.runAt, now), or(isNull(jobs.leaseUntil), lt(jobs.leaseUntil, now))))
    .orderBy(asc(jobs.runAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const rows = await db.update(jobs).set({ leaseUntil }).where(inArray(jobs.id, due)).returning({ id: jobs.id });
  return rows.map((row) => row.id);
}

export async function claimDueDeliveries(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<DeliveryRow[]> {
  const due = db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.done, false),
        lte(deliveries.nextAttemptAt, now),
        or(isNull(deliveries.leaseUntil), lt(deliveries.leaseUntil, now)),
      ),
    )
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(deliveries)
    .set({ leaseUntil, attempts: sql`${deliveries.attempts} + 1` })
    .where(inArray(deliveries.id, due))
    .returning();
}

/** When the next job or delivery becomes due (including leases running out), if any is waiting. */
export async function nextDueAt(db: Db): Promise<Date | undefined> {
  const [job] = await db
    .select({ at: sql<string | null>`min(greatest(${jobs.runAt}, coalesce(${jobs.leaseUntil}, ${jobs.runAt})))` })
    .from(jobs)
    .where(eq(jobs.state, "pending"));
  const [delivery] = await db
    .select({
      at: sql<
        string | null
      >`min(greatest(${deliveries.nextAttemptAt}, coalesce(${deliveries.leaseUntil}, ${deliveries.nextAttemptAt})))`,
    })
    .from(deliveries)
    .where(eq(deliveries.done, false));
  const times = [job?.at, delivery?.at].filter((at): at is string => typeof at === "string").map((at) => new Date(at));
  return times.length > 0 ? new Date(Math.min(...times.map((at) => at.getTime()))) : undefined;
}
