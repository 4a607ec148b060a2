// `npm test`: every suite that can run here. Postgres and Chromium suites need those installed;
// off CI they are skipped with a loud note, under CI=true nothing may skip.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import net from "node:net";

const ci = process.env.CI === "true" || process.env.CI === "1";
const pgUrl = new URL(process.env.OMNARA_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
const chromium = process.env.OMNARA_CHROMIUM_PATH ?? "/usr/bin/chromium";

const reachable = (host, port) =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
  });

const skipped = [];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1" };
if (!(await reachable(pgUrl.hostname, pgUrl.port || 5432))) {
  if (ci) {
    console.error(`CI=true but no Postgres answers at ${pgUrl.host}: start it, or set OMNARA_TEST_DATABASE_URL.`);
    process.exit(1);
  }
  env.OMNARA_TEST_POSTGRES = "skip";
  skipped.push(`Postgres suites: no server at ${pgUrl.host} (start one, or set OMNARA_TEST_DATABASE_URL)`);
}
if (!existsSync(chromium)) {
  if (ci) {
    console.error(`CI=true but Chromium is missing at ${chromium}: apt-get install chromium.`);
    process.exit(1);
  }
  env.OMNARA_TEST_BROWSER = "skip";
  skipped.push(
    `browser (dashboard e2e) suites: no Chromium at ${chromium} (apt-get install chromium, or set OMNARA_CHROMIUM_PATH)`,
  );
}

const banner = (lines) => {
  if (lines.length === 0) return;
  console.log(`\n${"!".repeat(78)}\n! SKIPPED on this machine:`);
  for (const line of lines) console.log(`!   - ${line}`);
  console.log(`${"!".repeat(78)}\n`);
};
banner(skipped);

mkdirSync("test-results", { recursive: true });
const result = spawnSync(
  "npx",
  [
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    "--outputFile.json=test-results/vitest.json",
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", env },
);

let summary = "0 passed, 0 failed";
try {
  const report = JSON.parse(readFileSync("test-results/vitest.json", "utf8"));
  summary = `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`;
} catch {
  summary = "0 passed, 1 failed (the test run produced no report)";
}
banner(skipped);
console.log(summary);
process.exit(result.status ?? 1);
