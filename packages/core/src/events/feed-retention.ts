import { type Db, schema } from "@omnara/db";
import { gt, inArray, sql } from "drizzle-orm";

const { feedEvents } = schema;

/**
 * Feed rows each user keeps. The feed is only for resuming streams, and a stream more than
 * REPLAY_BOUND (500) rows behind resyncs anyway, so older rows serve nobody. Keeping more than
 * the bound is what makes pruning safe (checkResume): a position whose later rows were pruned has
 * at least this many of the user's rows after it, so it is always told to resync, never replayed
 * with a hole.
 */
export const FEED_ROWS_KEPT = 1_000;

/** How often each server process prunes (several processes pruning at once is harmless). */
export const FEED_PRUNE_EVERY_MS = 10 * 60 * 1000;

/** Deletes each user's feed rows past the newest `kept`; returns how many went. */
export async function pruneFeed(db: Db, kept = FEED_ROWS_KEPT): Promise<number> {
  const ranked = db.$with("ranked").as(
    db
      .select({
        id: feedEvents.id,
        rank: sql<number>`row_number() over (partition by ${feedEvents.userId} order by ${feedEvents.xid} desc, ${feedEvents.id} desc)`.as(
          "rank",
        ),
      })
      .from(feedEvents),
  );
  const deleted = await db
    .with(ranked)
    .delete(feedEvents)
    .where(inArray(feedEvents.id, db.select({ id: ranked.id }).from(ranked).where(gt(ranked.rank, kept))))
    .returning({ id: feedEvents.id });
  return deleted.length;
}
