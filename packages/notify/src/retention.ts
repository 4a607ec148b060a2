import { type Db, schema } from "@omnara/db";
import { and, lt, ne } from "drizzle-orm";

const DAY_MS = 24 * 3600 * 1000;
/** Finished jobs (with their deliveries) are kept a week: long past every retry. */
const JOBS_KEPT_MS = 7 * DAY_MS;
/** The delivery log is what users read in settings; a month of it is plenty. */
const LOG_KEPT_MS = 30 * DAY_MS;

/** Deletes what no one needs any more, so the queue tables stay small. */
export async function pruneOld(db: Db, now: Date): Promise<void> {
  const { notificationJobs: jobs, notificationLog: log } = schema;
  await db
    .delete(jobs)
    .where(and(ne(jobs.state, "pending"), lt(jobs.createdAt, new Date(now.getTime() - JOBS_KEPT_MS))));
  await db.delete(log).where(lt(log.createdAt, new Date(now.getTime() - LOG_KEPT_MS)));
  // Webhook deliveries are their own log (with their attempts): kept as long, pending ones always.
  const hooks = schema.webhookDeliveries;
  await db
    .delete(hooks)
    .where(and(ne(hooks.state, "pending"), lt(hooks.createdAt, new Date(now.getTime() - LOG_KEPT_MS))));
}
