import { describeEachDatabase, startTestServer, type TestServer, testEnv } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FuzzAccount } from "./fuzz/account.ts";
import { runProbes } from "./fuzz/fuzzer.ts";
import { operationProbes, transportProbes } from "./fuzz/probes.ts";
import { Random } from "./fuzz/random.ts";

/**
 * Every operation of the registry, on every surface it has (REST, tRPC, MCP), gets malformed
 * inputs, and every surface gets malformed transports. No answer may be a 5xx or show a stack or
 * SQL, and no refused request may change a row. A new operation is fuzzed with no change here.
 * The sample is random per run (budgeted to keep the file fast); the seed is printed to replay.
 */
const seed = testEnv.fuzzSeed ?? Math.floor(Math.random() * 2 ** 31);

describeEachDatabase("contract-driven fuzzing", (kind) => {
  let server: TestServer;
  let account: FuzzAccount;
  beforeAll(async () => {
    server = await startTestServer(kind);
    account = await FuzzAccount.create(server.url);
  });
  afterAll(() => server.close());

  test("malformed bodies, params, encodings and sizes never reach a 5xx nor change anything", async () => {
    // Each database gets its own draw from the seed: together they cover more than twice one.
    const rng = new Random(seed + (kind === "postgres" ? 1 : 0));
    const transports = transportProbes(rng);
    const probes = [
      ...operationProbes(rng, { whole: 2, fields: 2 }),
      ...rng.sample(transports, Math.ceil(transports.length * 0.6)),
    ];
    const report = await runProbes(server, account, probes);
    console.log(
      `fuzz [${kind}] seed ${seed}: ${report.probes} probes (rest ${report.bySurface.rest}, trpc ${report.bySurface.trpc}, mcp ${report.bySurface.mcp}); ` +
        `${report.verdicts.rejected} refused, ${report.verdicts.accepted} accepted, ${report.verdicts["timed out"]} waits cut; ` +
        `${report.violations.length} violations in ${report.elapsedMs} ms`,
    );
    for (const v of report.violations)
      console.log(`  ${v.surface} ${v.target} [${v.label}] ${v.problem} (${v.status}) ${v.body.slice(0, 160)}`);
    expect(report.violations.map((v) => `${v.surface} ${v.target} [${v.label}] ${v.problem}`)).toEqual([]);
  }, 120_000);
});
