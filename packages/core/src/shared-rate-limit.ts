import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { lt, sql } from "drizzle-orm";

const { rateLimitBuckets: buckets } = schema;

/** One take from a bucket: what the REST headers report, and the wait when refused. */
export interface RateDecision {
  limit: number;
  /** Whole tokens left after this take. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until a token is there; 0 when this take got one. */
  retryAfterSeconds: number;
}

export interface RateLimit {
  readonly perMinute: number;
  take(key: string): Promise<RateDecision>;
}

const SWEEP_EVERY_MS = 60_000;

/**
 * A token bucket per key in the database, refilled continuously at `perMinute` a minute up to
 * `perMinute`: one INSERT … ON CONFLICT DO UPDATE computes the refill from the database's clock,
 * takes a token if there is one and returns what is left, under the row's lock, so takes from
 * every process are serialized per key and none is lost. `perMinute` 0 turns the limit off.
 */
export function createRateLimit(db: Db, perMinute: number, scope: string): RateLimit {
  const perSecond = perMinute / 60;
  let sweptAt = 0;
  const unlimited: RateDecision = { limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };
  return {
    perMinute,
    async take(key) {
      if (perMinute <= 0) return unlimited;
      if (Date.now() - sweptAt >= SWEEP_EVERY_MS) {
        sweptAt = Date.now();
        // Idle a minute is full again: the same as no row.
        void db
          .delete(buckets)
          .where(lt(buckets.updatedAt, sql`now() - interval '61 seconds'`))
          .catch(() => {});
      }
      const refill = sql`least(${perMinute}::float8, ${buckets.tokens} + extract(epoch from (now() - ${buckets.updatedAt})) * ${perSecond}::float8)`;
      const [row] = await db
        .insert(buckets)
        .values({ key: `${scope}:${key}`, tokens: perMinute - 1, allowed: true, updatedAt: sql`now()` })
        .onConflictDoUpdate({
          target: buckets.key,
          set: {
            tokens: sql`case when ${refill} >= 1 then ${refill} - 1 else ${refill} end`,
            allowed: sql`${refill} >= 1`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ tokens: buckets.tokens, allowed: buckets.allowed });
      const tokens = row?.tokens ?? 0;
      return {
        limit: perMinute,
        remaining: Math.max(0, Math.floor(tokens)),
        resetSeconds: Math.ceil((perMinute - tokens) / perSecond),
        retryAfterSeconds: row?.allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / perSecond)),
      };
    },
  };
}
