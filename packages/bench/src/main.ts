import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, FakeStripe, startChildServer } from "@omnara/testing";
import { type CapacityResult, capacity } from "./capacity.ts";
import { instanceCreationRate } from "./instance-creation.ts";
import { sdkAskLatency } from "./sdk-ask-latency.ts";
import { ms } from "./stats.ts";
import { agentMessageRate, bareHttpRate, rawInsertRate } from "./throughput.ts";
import { httpRoundTrip, wakeLatency } from "./wake-latency.ts";

// `npm run bench`: the server runs in its own process on the machine's Postgres (a fresh
// database), the load comes from this process; every figure is beside a baseline of the same run.
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 500);
const CONCURRENCY = 32;
const DURATION_MS = Number(process.env["BENCH_SECONDS"] ?? 10) * 1000;
/** `BENCH_ONLY=capacity` runs the capacity figures alone. */
const ONLY = process.env["BENCH_ONLY"];

const header = `Omnara bench — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Postgres on 127.0.0.1`;

function capacityLines(c: CapacityResult): string[] {
  const us = (value: number) => `${value.toFixed(2)} µs`;
  const ratio = (loaded: number, idle: number) => (idle > 0 ? `${(loaded / idle).toFixed(2)}×` : "—");
  return [
    `Capacity: ${c.waits} agents blocked in waitForReply + ${c.streams} dashboard streams, one server process (core over Postgres, bus by LISTEN/NOTIFY)`,
    "",
    "| measure | loaded | idle baseline (same run) | loaded / idle |",
    "|---|---|---|---|",
    `| reply stored → waiting agent woken, p50 / p99 | ${ms(c.wakeLoaded.p50)} / ${ms(c.wakeLoaded.p99)} | ${ms(c.wakeIdle.p50)} / ${ms(c.wakeIdle.p99)} | p99 ${ratio(c.wakeLoaded.p99, c.wakeIdle.p99)} |`,
    `| reply stored → on all of the user's open streams, p50 / p99 | ${ms(c.streamLoaded.p50)} / ${ms(c.streamLoaded.p99)} | ${ms(c.streamIdle.p50)} / ${ms(c.streamIdle.p99)} | p99 ${ratio(c.streamLoaded.p99, c.streamIdle.p99)} |`,
    `| in-process fan-out of one event, p50 / p99 | ${us(c.fanoutLoadedUs.p50)} / ${us(c.fanoutLoadedUs.p99)} | empty: ${us(c.fanoutEmptyUs.p50)} / ${us(c.fanoutEmptyUs.p99)} | p99 ${ratio(c.fanoutLoadedUs.p99, c.fanoutEmptyUs.p99)} |`,
    `| fan-out subscribe / unsubscribe, per subscriber | ${us(c.subscribeUs)} / ${us(c.unsubscribeUs)} | | |`,
    `| RSS | ${c.rssLoadedMiB.toFixed(0)} MiB | ${c.rssBaseMiB.toFixed(0)} MiB before the waits and streams | ${(c.bytesPerSubscriber / 1024).toFixed(1)} KiB per wait or stream |`,
    `| opening all waits / all streams (with their first reads) | ${c.openWaitsMs.toFixed(0)} ms / ${c.openStreamsMs.toFixed(0)} ms | | |`,
    `| aborting every wait and stream, until all returned | ${c.closeAllMs.toFixed(0)} ms | | |`,
    `| bus subscriptions left afterwards | ${c.leftSubscribed} | | ${c.leftSubscribed === 0 ? "✔" : "✘"} none leaked |`,
  ];
}

/**
 * What the plan limit costs where instances are created: the same load on a server without
 * billing (baseline) and with it (users on Pro), each on its own fresh database.
 */
async function creationLines(): Promise<string[]> {
  const stripe = await FakeStripe.start();
  const run = async (env: Record<string, string>, usersOnPro: boolean, oneUser = false) => {
    const database = await createTestDatabase("postgres");
    const child = await startChildServer({
      DATABASE_URL: database.url ?? "",
      OMNARA_DATA_DIR: mkdtempSync(join(tmpdir(), "omnara-bench-")),
      OMNARA_RATE_LIMIT_PER_MINUTE: "0",
      OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: "0",
      ...env,
    });
    try {
      return await instanceCreationRate(child.url, database.url ?? "", {
        concurrency: CONCURRENCY,
        durationMs: DURATION_MS,
        usersOnPro,
        oneUser,
      });
    } finally {
      await child.stop();
      await database.drop();
    }
  };
  try {
    const off = await run({}, false);
    const on = await run(stripe.env(), true);
    const oneUser = await run(stripe.env(), true, true);
    const offOneUser = await run({}, false, true);
    return [
      `Instance creation (first message of a new instance), ${CONCURRENCY} concurrent, REST`,
      "",
      "| measure | value | baseline (same run) | ratio |",
      "|---|---|---|---|",
      `| new instances/s with the plan limit (billing on), one user per lane | ${on.toFixed(0)} /s | billing off ${off.toFixed(0)} /s | ${(on / off).toFixed(2)} |`,
      `| new instances/s with the plan limit, all lanes one user (its row lock serializes) | ${oneUser.toFixed(0)} /s | billing off ${offOneUser.toFixed(0)} /s | ${(oneUser / offOneUser).toFixed(2)} |`,
    ];
  } finally {
    await stripe.close();
  }
}

if (ONLY === "creation") {
  console.log([header, "", ...(await creationLines())].join("\n"));
  process.exit(0);
}

if (ONLY === "capacity") {
  const result = await capacity({ users: 100, instancesPerUser: 100, streamsPerUser: 10, rounds: 100 });
  console.log([header, "", ...capacityLines(result)].join("\n"));
  process.exit(0);
}

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
  const cap = await capacity({ users: 100, instancesPerUser: 100, streamsPerUser: 10, rounds: 100 });
  const lines = [
    header,
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
    "",
    ...capacityLines(cap),
    "",
    ...(await creationLines()),
  ];
  console.log(lines.join("\n"));
} finally {
  await server.stop();
  await database.drop();
}
