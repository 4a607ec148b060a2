import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{packages,apps}/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Known driver bug, still open (issue 11's note): when the fault suite stops its throwaway
    // cluster, postgres.js can reject the type-fetch query of a connection the outage reset, with
    // nobody to catch it. Only that exact rejection is tolerated; every other one still fails the run.
    onUnhandledError(error) {
      const { code, query } = error as { code?: unknown; query?: unknown };
      if (code === "ECONNRESET" && typeof query === "string" && query.includes("typarray")) return false;
    },
  },
});
