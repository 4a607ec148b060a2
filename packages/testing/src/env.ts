/** The test harness's own environment: where the Postgres server for tests is, and CI mode. */
export const testEnv = {
  postgresAdminUrl: process.env.OMNARA_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  /** Set by tooling/scripts/test.mjs after probing; "skip" only when Postgres is unreachable. */
  postgres: process.env.OMNARA_TEST_POSTGRES === "skip" ? "skip" : "run",
  /** Replays a fuzz run: the seed it printed. Unset: a new seed each run. */
  fuzzSeed: process.env.OMNARA_FUZZ_SEED ? Number(process.env.OMNARA_FUZZ_SEED) : undefined,
  ci: process.env.CI === "true" || process.env.CI === "1",
} as const;
