import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, startChildServer } from "@omnara/testing";
import { sdkAskLatency } from "./sdk-ask-latency.ts";
import { ms } from "./stats.ts";
import { agentMessageRate, bareHttpRate, rawInsertRate } from "./throughput.ts";
import { httpRoundTrip, wakeLatency } from "./wake-latency.ts";

// `npm run bench`: the server runs in its own process on the machine's Postgres (a fresh
// database), the load comes from this process; every figure is beside a baseline of the same run.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 500);
const CONCURRENCY = 32;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;

const database = await createTestDatabase("postgres");
const server = await startChildServer({
  DATABASE_URL: database.url ?? "",
  OMNARA_DATA_DIR: mkdtempSync(join(tmpdir(), "omnara-bench-")),
  OMNARA_RATE_LIMIT_PER_MINUTE: "0",
  OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: "0",
});
try {
  const http = await httpRoundTrip(server.url, ROUNDS);
  const wake = await wakeLatency(server.url, ROUNDS);
  const sdk = await sdkAskLatency(server.url, ROUNDS);
  const api = await agentMessageRate(server.url, CONCURRENCY, DURATION_MS);
  const raw = await rawInsertRate(database.url ?? "", CONCURRENCY, DURATION_MS);
  const bare = await bareHttpRate(server.url, CONCURRENCY, DURATION_MS);
  const ratio = api / raw;
  const lines = [
    `Omnara bench — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} cores, Postgres on 127.0.0.1`,
    "",
    "| measure | value | baseline (same run) | target |",
    "|---|---|---|---|",
    `| (a) reply → waiting agent woken, p50 (${wake.rounds} rounds) | ${ms(wake.p50)} | bare HTTP round trip p50 ${ms(http.p50)} | |`,
    `| (a) reply → waiting agent woken, p99 | ${ms(wake.p99)} | bare HTTP round trip p99 ${ms(http.p99)} | ≤ 25 ms ${wake.p99 <= 25 ? "✔" : "✘"} |`,
    `| SDK: user reply sent → session.ask resolved, p50 / p99 | ${ms(sdk.replyToAnswer.p50)} / ${ms(sdk.replyToAnswer.p99)} | bare HTTP ${ms(http.p50)} / ${ms(http.p99)} | |`,
    `| SDK: whole session.ask (store question, reply, wake), p50 / p99 | ${ms(sdk.ask.p50)} / ${ms(sdk.ask.p99)} | | |`,
    `| (b) agent messages/s via HTTP, ${CONCURRENCY} concurrent agents | ${api.toFixed(0)} /s | | |`,
    `| (c) raw single-row INSERT/s, postgres.js, ${CONCURRENCY} concurrent | ${raw.toFixed(0)} /s | | |`,
    `| (b)/(c) | ${ratio.toFixed(2)} | | ≥ 0.4 ${ratio >= 0.4 ? "✔" : "✘"} |`,
    `| (d) ceiling: bare HTTP GET /healthz/s, ${CONCURRENCY} concurrent, same server | ${bare.toFixed(0)} /s | (d)/(c) = ${(bare / raw).toFixed(2)} | |`,
  ];
  console.log(lines.join("\n"));
} finally {
  await server.stop();
  await database.drop();
}
