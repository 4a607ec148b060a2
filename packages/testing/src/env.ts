/**
 * The test harness's own environment, read here only (lint forbids `process.env` elsewhere): where
 * the Postgres server for tests is, what the test command probed, and what child processes inherit.
 */
export const testEnv = {
  postgresAdminUrl: process.env["OMNARA_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test",
  /** Set by tooling/scripts/test.mjs after probing; "skip" only when Postgres is unreachable. */
  postgres: process.env["OMNARA_TEST_POSTGRES"] === "skip" ? "skip" : "run",
  /** Set by tooling/scripts/test.mjs after probing; "skip" only when Chromium is missing. */
  browser: process.env["OMNARA_TEST_BROWSER"] === "skip" ? "skip" : "run",
  chromiumPath: process.env["OMNARA_CHROMIUM_PATH"] ?? "/usr/bin/chromium",
  /** Replays a fuzz run: the seed it printed. Unset: a new seed each run. */
  fuzzSeed: process.env["OMNARA_FUZZ_SEED"] ? Number(process.env["OMNARA_FUZZ_SEED"]) : undefined,
  ci: process.env["CI"] === "true" || process.env["CI"] === "1",
  /** The PATH and HOME of the test run, for children that get an otherwise clean environment. */
  path: process.env["PATH"] ?? "",
  home: process.env["HOME"],
} as const;

/** The whole environment of the test run, for children that should inherit it (plus overrides). */
export const inheritedEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, ...extra });
