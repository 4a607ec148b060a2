import { readdirSync, readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const cliTests = "apps/cli/test";

// The suites that drive the real Claude Code in a pseudo-terminal wait on a large binary starting
// and on one hook process per event. Run beside the rest of the suite on two cores those waits ran
// past their limits (CI failed on them twice at a load average near 40, and they pass in seconds
// alone), so they run after everything else, one file at a time. A file belongs here by importing
// the terminal harness, so a new Claude Code test joins without being listed.
const claudeTerminalSuites = readdirSync(cliTests)
  .filter((file) => file.endsWith(".test.ts"))
  .filter((file) => readFileSync(`${cliTests}/${file}`, "utf8").includes("./claude-terminal.ts"))
  .map((file) => `${cliTests}/${file}`);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll gives up after 1 s by default: a page that takes longer than that to render
    // what a write changed, which the loaded CI machine (load average 10-25 on 2 cores) does,
    // failed the test although nothing was wrong. A poll that cannot pass still fails, later.
    expect: { poll: { timeout: 20_000 } },
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["{packages,apps}/*/test/**/*.test.ts"],
          exclude: ["**/node_modules/**", ...claudeTerminalSuites],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "claude-terminal",
          include: claudeTerminalSuites,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
