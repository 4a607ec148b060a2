import type { TestServer } from "@omnara/testing";
import type { FuzzAccount } from "./account.ts";
import { fingerprint, tableNames } from "./fingerprint.ts";
import { judge, type Verdict } from "./oracle.ts";
import type { Probe, Surface } from "./probes.ts";
import { send } from "./surfaces.ts";

export interface Violation {
  surface: Surface;
  target: string;
  label: string;
  problem: string;
  status: number;
  body: string;
}

export interface FuzzReport {
  probes: number;
  bySurface: Record<Surface, number>;
  verdicts: Record<Verdict, number>;
  violations: Violation[];
  elapsedMs: number;
}

/**
 * The fingerprint once background work has settled: an accepted write queues notification jobs
 * that the dispatcher takes up after the response, so a hash taken at once would move later.
 * Quiet means the dispatcher idle and two hashes in a row equal.
 */
async function settledFingerprint(server: TestServer, tables: readonly string[]): Promise<string> {
  let last = await fingerprint(server.database.db, tables);
  for (let round = 0; round < 50; round += 1) {
    await server.notifications?.idle();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = await fingerprint(server.database.db, tables);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/**
 * Sends probes one at a time. After a refused one the tables must hash as before (nothing
 * written) and the server must have logged nothing unexpected; after an accepted one the
 * account is repaired and the hash taken again.
 */
export async function runProbes(
  server: TestServer,
  account: FuzzAccount,
  probes: readonly Probe[],
): Promise<FuzzReport> {
  const started = Date.now();
  const tables = await tableNames(server.database.db);
  let baseline = await settledFingerprint(server, tables);
  let logged = server.loggedErrors.length;
  const report: FuzzReport = {
    probes: 0,
    bySurface: { rest: 0, trpc: 0, mcp: 0 },
    verdicts: { rejected: 0, accepted: 0, "timed out": 0 },
    violations: [],
    elapsedMs: 0,
  };
  for (const probe of probes) {
    const outcome = await send(server.url, probe.build(account));
    const { verdict, problems } = judge(outcome);
    report.probes += 1;
    report.bySurface[probe.surface] += 1;
    report.verdicts[verdict] += 1;
    if (server.loggedErrors.length > logged) {
      const error = server.loggedErrors[server.loggedErrors.length - 1];
      problems.push(`server logged: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300));
      logged = server.loggedErrors.length;
    }
    if (verdict === "rejected") {
      const now = await fingerprint(server.database.db, tables);
      if (now !== baseline) {
        const before = new Set(baseline.split(" "));
        const changed = now
          .split(" ")
          .filter((part) => !before.has(part))
          .map((part) => part.split("=")[0]);
        problems.push(`a refused request changed the tables: ${changed.join(", ")}`);
        baseline = now;
      }
    } else {
      await account.refresh();
      baseline = await settledFingerprint(server, tables);
    }
    if (outcome.status === 404 && probe.surface === "mcp" && outcome.body.includes("Session not found")) {
      await account.reopenMcp();
    }
    for (const problem of problems) {
      const { surface, target, label } = probe;
      report.violations.push({
        surface,
        target,
        label,
        problem,
        status: outcome.status,
        body: outcome.body.slice(0, 400),
      });
    }
  }
  report.elapsedMs = Date.now() - started;
  return report;
}
