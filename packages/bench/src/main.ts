import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase, startChildServer, startCountingProxy } from "@omnara/testing";
import postgres from "postgres";
import { capacity } from "./capacity.ts";
import { capacityLines } from "./capacity-report.ts";
import { summarizeProfile } from "./cpu-profile.ts";
import { creationLines } from "./creation-report.ts";
import { type LoadResult, load } from "./load.ts";
import { type ReadsAtScale, readsAtScale } from "./reads-at-scale.ts";
import { type RoundTrips, roundTrips } from "./round-trips.ts";
import { sdkAskLatency } from "./sdk-ask-latency.ts";
import { ms, type Summary } from "./stats.ts";
import { agentSendLoad } from "./throughput.ts";
import { ANSWER_AFTER_MS, httpRoundTrip, wakeLatency } from "./wake-latency.ts";
import { type WakeProfile, wakeProfile } from "./wake-profile.ts";

// `npm run bench [-- --profile] [-- --out FILE]`: the server runs in its own process on the
// machine's Postgres (a fresh database), the load comes from this process (autocannon); every
// figure stands beside a baseline of the same run, and each target is checked against it.
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 500);
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 10);
/** `BENCH_AGENTS=32,128` runs the send loads at those sizes only (32 must stay for its target). */
const AGENTS = (process.env["BENCH_AGENTS"] ?? "1,8,32,128").split(",").map(Number);
const SCALE = { instances: Number(process.env["BENCH_INSTANCES"] ?? 100_000), messagesPerInstance: 10 };
/**
 * `BENCH_ONLY=capacity|creation|reads|round-trips|wake|sends` runs those figures alone (wake: the
 * bare round trip, the wake and the SDK's, and where a wake's time goes; sends: agent sends beside
 * no-op requests at 1, 8, 32 and 128 agents; reads: the dashboard's reads at `BENCH_INSTANCES`,
 * beside the bare round trip); `targets` skips capacity and creation.
 */
const ONLY = process.env["BENCH_ONLY"];
const PROFILE = process.argv.includes("--profile");
const outIndex = process.argv.indexOf("--out");
const OUT = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
/** npm runs workspace scripts in the package; paths given by the user are from where they typed. */
const CWD = process.env["INIT_CWD"] ?? process.cwd();
const serverEnv = (databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  OMNARA_DATA_DIR: mkdtempSync(join(tmpdir(), "omnara-bench-")),
  OMNARA_RATE_LIMIT_PER_MINUTE: "0",
  OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: "0",
});

const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" / ");

/** A part run alone gets a fresh database, dropped afterwards. */
async function withDatabase<T>(run: (databaseUrl: string) => Promise<T>): Promise<T> {
  const database = await createTestDatabase("postgres");
  try {
    return await run(database.url ?? "");
  } finally {
    await database.drop();
  }
}

/** The server in its own process on that database, stopped afterwards. */
async function withServer<T>(
  databaseUrl: string,
  run: (server: Awaited<ReturnType<typeof startChildServer>>) => Promise<T>,
): Promise<T> {
  const server = await startChildServer(serverEnv(databaseUrl));
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

async function machineLines(databaseUrl: string): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, fetch_types: false });
  const [row] = await sql<{ version: string }[]>`select version()`;
  await sql.end();
  return [
    `Omnara bench — ${new Date().toISOString()}`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${row?.version.split(",")[0] ?? "Postgres"} on 127.0.0.1 (fsync on), load average at start ${loadAverage()}. Server: one process (apps/server), generator: autocannon in the bench process.`,
  ];
}

const mark = (ok: boolean) => (ok ? "✔" : "✘");
const cores = (value: number) => (Number.isNaN(value) ? "—" : value.toFixed(2));
/**
 * The server's CPU time per completed request: on a shared machine it moves less than the rate,
 * which is what the other processes leave the server.
 */
const cpuPer = (result: LoadResult) =>
  Number.isNaN(result.serverCpu) || result.rate === 0
    ? "—"
    : `${((result.serverCpu / result.rate) * 1000).toFixed(2)} ms`;
/** Failures named by what they were (a status, socket errors, timeouts): "577 failed: 503 × 577". */
const perSecond = (result: LoadResult) =>
  `${result.rate.toFixed(0)} /s${
    result.failures > 0
      ? ` (${result.failures} failed: ${Object.entries(result.failureKinds)
          .map(([kind, n]) => `${kind} × ${n}`)
          .join(", ")})`
      : ""
  }`;

/** A CPU profile of a server of its own under 32 agents sending, summarized. */
async function profiledSends(databaseUrl: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "omnara-profile-"));
  const profiled = await startChildServer(serverEnv(databaseUrl), {
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
  });
  const result = await agentSendLoad(profiled.url, {
    agents: 32,
    durationSeconds: SECONDS,
    serverPid: profiled.process.pid ?? 0,
  }).finally(() => profiled.stop());
  const summary = summarizeProfile(dir);
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  return [
    `## CPU profile of the server under 32 agents sending (${perSecond(result)}, ${cpuPer(result)} of server CPU per send; ${dir}/${summary.file})`,
    "",
    "Self time by where the code lives:",
    "",
    ...summary.byPlace.map(({ place, share }) => `- ${place}: ${pct(share)}`),
    "",
    "Functions with the most self time:",
    "",
    ...summary.top.map(({ name, share }) => `- ${pct(share)} \`${name}\``),
  ];
}

/** Agent sends beside no-op requests from the same generator, at each number of agents. */
async function sendsBesideNoop(server: {
  url: string;
  pid: number;
}): Promise<{ noop: LoadResult[]; sends: LoadResult[] }> {
  const noop: LoadResult[] = [];
  const sends: LoadResult[] = [];
  for (const agents of AGENTS) {
    noop.push(
      await load({
        url: `${server.url}/healthz`,
        connections: agents,
        durationSeconds: SECONDS,
        serverPid: server.pid,
      }),
    );
    sends.push(await agentSendLoad(server.url, { agents, durationSeconds: SECONDS, serverPid: server.pid }));
  }
  return { noop, sends };
}

function sendLines(noop: LoadResult[], sends: LoadResult[]): string[] {
  return [
    "## Agent sends (REST POST /api/v1/messages/agent, each agent its own instance) beside no-op requests",
    "",
    "| agents (connections) | sends/s | p50 / p99 | server CPU (cores) | server CPU per send | generator CPU | no-op GET /healthz/s | p50 / p99 | server CPU | server CPU per no-op | generator CPU | sends / no-op |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...AGENTS.map((agents, i) => {
      const send = sends[i];
      const bare = noop[i];
      if (!send || !bare) return `| ${agents} | — |`;
      return `| ${agents} | ${perSecond(send)} | ${send.latencyP50} / ${send.latencyP99} ms | ${cores(send.serverCpu)} | ${cpuPer(send)} | ${cores(send.generatorCpu)} | ${perSecond(bare)} | ${bare.latencyP50} / ${bare.latencyP99} ms | ${cores(bare.serverCpu)} | ${cpuPer(bare)} | ${cores(bare.generatorCpu)} | ${(send.rate / bare.rate).toFixed(2)} |`;
    }),
  ];
}

function roundTripLines(trips: RoundTrips): string[] {
  return [
    "## Round trips per operation (counted on the wire: a Sync or Query sent with none unanswered)",
    "",
    `Median of 31. In the background afterwards (notification dispatcher, within 150 ms): step ${trips.background.step}, question ${trips.background.question}, reply ${trips.background.reply}.`,
    "",
    ...(["step", "question", "reply"] as const).flatMap((kind) => [
      `- ${kind} (${trips[kind]}):`,
      ...trips[`${kind}Statements`].map(
        (statement) => `  - \`${statement.trim().replace(/\s+/g, " ").slice(0, 110)}\``,
      ),
    ]),
  ];
}

/** Round trips are counted on a server of their own, behind a counting proxy (it adds latency). */
async function countRoundTrips(databaseUrl: string): Promise<RoundTrips> {
  const target = new URL(databaseUrl);
  const proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const counted = await startChildServer(serverEnv(proxy.url(databaseUrl)));
  try {
    return await roundTrips(counted.url, proxy, 31);
  } finally {
    await counted.stop();
    await proxy.close();
  }
}

/** The read targets as table rows (with the table's head), each beside the bare round trip. */
function readLines(reads: ReadsAtScale, http: Summary): string[] {
  return [
    "| target | measured | baseline (same run) | |",
    "|---|---|---|---|",
    `| overview p99 ≤ 5 ms at ${reads.instances / 1000} k instances / ${reads.messages / 1e6} M messages | ${ms(reads.overview.p99)} (p50 ${ms(reads.overview.p50)}) | bare HTTP p99 ${ms(http.p99)} (p50 ${ms(http.p50)}) | ${mark(reads.overview.p99 <= 5)} |`,
    `| instance list p99 ≤ 5 ms | ${ms(reads.instanceList.p99)} (p50 ${ms(reads.instanceList.p50)}) | | ${mark(reads.instanceList.p99 <= 5)} |`,
    `| message page p99 ≤ 5 ms | ${ms(reads.messagePage.p99)} (p50 ${ms(reads.messagePage.p50)}) | | ${mark(reads.messagePage.p99 <= 5)} |`,
  ];
}

const statementList = (texts: string[]) =>
  texts.length === 0 ? "none" : texts.map((text) => `\`${text.trim().replace(/\s+/g, " ").slice(0, 80)}\``).join(", ");

function wakeProfileLines(profile: WakeProfile): string[] {
  const leg = (label: string, summary: { p50: number; p99: number }) =>
    `| ${label} | ${ms(summary.p50)} | ${ms(summary.p99)} |`;
  return [
    `## Where a wake's time goes (${profile.rounds} rounds; the server's database connections through a proxy that stamps the wire, which adds a hop to each database message)`,
    "",
    "| leg | p50 | p99 |",
    "|---|---|---|",
    leg("the reply's request until its first statement reaches Postgres (HTTP, tRPC)", profile.legs.toFirst),
    leg("its first statement until its one statement reaches Postgres (auth, access)", profile.legs.toStatement),
    leg("the reply's one statement (stored, committed)", profile.legs.statement),
    leg("its commit until the NOTIFY reaches the LISTEN connection", profile.legs.toNotify),
    leg("NOTIFY until the woken wait's delivery statement reaches Postgres", profile.legs.toDelivery),
    leg("the delivery statement (read, recorded, committed)", profile.legs.delivery),
    leg("its answer until the wait's response reaches the agent", profile.legs.toResponse),
    leg("whole wake (through the proxy)", profile.total),
    "",
    `Statements the server sent during a wake, on all its connections (the woken agent's and everything it set off): median ${profile.statements.p50}, p99 ${profile.statements.p99}.`,
    `Statements before the reply's one statement (median round): ${statementList(profile.before)}.`,
    `Statements between the NOTIFY and the delivery (median round): ${statementList(profile.between)}.`,
  ];
}

/** The wake's legs, timed on a server of its own behind a stamping proxy. */
async function profileWake(databaseUrl: string, rounds: number): Promise<WakeProfile> {
  const target = new URL(databaseUrl);
  const proxy = await startCountingProxy(
    { host: target.hostname, port: Number(target.port || 5432) },
    { timeline: true },
  );
  const profiled = await startChildServer(serverEnv(proxy.url(databaseUrl)));
  try {
    return await wakeProfile(profiled.url, proxy, rounds);
  } finally {
    await profiled.stop();
    await proxy.close();
  }
}

if (ONLY === "wake") {
  await withDatabase(async (databaseUrl) => {
    const lines = await withServer(databaseUrl, async (server) => {
      const http = await httpRoundTrip(server.url, ROUNDS);
      const wake = await wakeLatency(server.url, ROUNDS, ANSWER_AFTER_MS);
      const wakeNow = await wakeLatency(server.url, ROUNDS, 0);
      const sdk = await sdkAskLatency(server.url, ROUNDS);
      return [
        `| measure | p50 | p99 | max |`,
        "|---|---|---|---|",
        `| bare HTTP round trip (GET /healthz) | ${ms(http.p50)} | ${ms(http.p99)} | ${ms(http.max)} |`,
        `| reply ${ANSWER_AFTER_MS} ms after the question → waiting agent woken (tRPC long-poll) | ${ms(wake.p50)} | ${ms(wake.p99)} | ${ms(wake.max)} |`,
        `| reply at once → waiting agent woken | ${ms(wakeNow.p50)} | ${ms(wakeNow.p99)} | ${ms(wakeNow.max)} |`,
        `| SDK: reply sent → session.ask resolved | ${ms(sdk.replyToAnswer.p50)} | ${ms(sdk.replyToAnswer.p99)} | ${ms(sdk.replyToAnswer.max)} |`,
        "",
      ];
    });
    lines.push(...wakeProfileLines(await profileWake(databaseUrl, ROUNDS)));
    console.log(lines.join("\n"));
  });
  process.exit(0);
}
if (ONLY === "sends") {
  await withDatabase((databaseUrl) =>
    withServer(databaseUrl, async (server) => {
      const { noop, sends } = await sendsBesideNoop({ url: server.url, pid: server.process.pid ?? 0 });
      const profile = PROFILE ? ["", ...(await profiledSends(databaseUrl))] : [];
      console.log([`load average ${loadAverage()}`, "", ...sendLines(noop, sends), ...profile].join("\n"));
    }),
  );
  process.exit(0);
}
if (ONLY === "reads") {
  await withDatabase((databaseUrl) =>
    withServer(databaseUrl, async (server) => {
      const reads = await readsAtScale(server.url, databaseUrl, { ...SCALE, rounds: ROUNDS });
      const http = await httpRoundTrip(server.url, ROUNDS);
      console.log(
        [
          `Load average ${loadAverage()}; ${reads.instances / 1000} k instances / ${reads.messages / 1e6} M messages, ${ROUNDS} rounds each.`,
          "",
          ...readLines(reads, http),
        ].join("\n"),
      );
    }),
  );
  process.exit(0);
}
if (ONLY === "round-trips") {
  await withDatabase(async (databaseUrl) => {
    console.log(roundTripLines(await countRoundTrips(databaseUrl)).join("\n"));
  });
  process.exit(0);
}
if (ONLY === "creation") {
  console.log((await creationLines({ concurrency: 32, durationMs: SECONDS * 1000 })).join("\n"));
  process.exit(0);
}
if (ONLY === "capacity") {
  const result = await capacity({ users: 100, instancesPerUser: 100, streamsPerUser: 10, rounds: 100 });
  console.log(capacityLines(result).join("\n"));
  process.exit(0);
}

const database = await createTestDatabase("postgres");
const databaseUrl = database.url ?? "";
const lines: string[] = [];
try {
  lines.push(...(await machineLines(databaseUrl)), "");
  const server = await startChildServer(serverEnv(databaseUrl));
  const pid = server.process.pid ?? 0;
  let http: Awaited<ReturnType<typeof httpRoundTrip>>;
  let wake: Awaited<ReturnType<typeof wakeLatency>>;
  let wakeNow: Awaited<ReturnType<typeof wakeLatency>>;
  let sdk: Awaited<ReturnType<typeof sdkAskLatency>>;
  let noop: LoadResult[];
  let sends: LoadResult[];
  let reads: Awaited<ReturnType<typeof readsAtScale>>;
  try {
    http = await httpRoundTrip(server.url, ROUNDS);
    wake = await wakeLatency(server.url, ROUNDS, ANSWER_AFTER_MS);
    wakeNow = await wakeLatency(server.url, ROUNDS, 0);
    sdk = await sdkAskLatency(server.url, ROUNDS);
    ({ noop, sends } = await sendsBesideNoop({ url: server.url, pid }));
    reads = await readsAtScale(server.url, databaseUrl, { ...SCALE, rounds: ROUNDS });
  } finally {
    await server.stop();
  }

  const trips = await countRoundTrips(databaseUrl);
  const wakeLegs = await profileWake(databaseUrl, ROUNDS);

  const at32 = AGENTS.indexOf(32);
  const sends32 = sends[at32];
  const noop32 = noop[at32];
  const sendRatio = sends32 && noop32 ? sends32.rate / noop32.rate : 0;
  lines.push(
    "## Targets",
    "",
    "| target | measured | baseline (same run) | |",
    "|---|---|---|---|",
    `| reply (${ANSWER_AFTER_MS} ms after the question) → waiting agent woken, p50 ≤ 4 × bare HTTP p50 (${wake.rounds} rounds) | ${ms(wake.p50)} | bare HTTP p50 ${ms(http.p50)} (× 4 = ${ms(4 * http.p50)}) | ${mark(wake.p50 <= 4 * http.p50)} |`,
    `| reply (${ANSWER_AFTER_MS} ms after the question) → waiting agent woken, p99 ≤ 10 ms | ${ms(wake.p99)} | bare HTTP p99 ${ms(http.p99)} | ${mark(wake.p99 <= 10)} |`,
    `| SDK reply (at once) → session.ask resolved, p50 within 1 ms of the raw wake (reply at once) | ${ms(sdk.replyToAnswer.p50)} | raw wake p50 ${ms(wakeNow.p50)} | ${mark(sdk.replyToAnswer.p50 <= wakeNow.p50 + 1)} |`,
    `| agent sends/s at 32 agents ≥ 0.5 × no-op requests/s | ${sends32 ? perSecond(sends32) : "—"} (${sendRatio.toFixed(2)} ×) | GET /healthz ${noop32 ? perSecond(noop32) : "—"} | ${mark(sendRatio >= 0.5)} |`,
    `| round trips to Postgres per step ≤ 4 | ${trips.step} | | ${mark(trips.step <= 4)} |`,
    `| round trips per question ≤ 6 | ${trips.question} | | ${mark(trips.question <= 6)} |`,
    `| round trips per reply ≤ 5 | ${trips.reply} | | ${mark(trips.reply <= 5)} |`,
    ...readLines(reads, http).slice(2),
    "",
    ...sendLines(noop, sends),
    "",
    "## Latency",
    "",
    `| measure | p50 | p99 | max |`,
    "|---|---|---|---|",
    `| bare HTTP round trip (GET /healthz) | ${ms(http.p50)} | ${ms(http.p99)} | ${ms(http.max)} |`,
    `| reply ${ANSWER_AFTER_MS} ms after the question → waiting agent woken (tRPC long-poll) | ${ms(wake.p50)} | ${ms(wake.p99)} | ${ms(wake.max)} |`,
    `| reply at once → waiting agent woken (the question's notification handled meanwhile) | ${ms(wakeNow.p50)} | ${ms(wakeNow.p99)} | ${ms(wakeNow.max)} |`,
    `| SDK: reply sent → session.ask resolved | ${ms(sdk.replyToAnswer.p50)} | ${ms(sdk.replyToAnswer.p99)} | ${ms(sdk.replyToAnswer.max)} |`,
    `| SDK: whole session.ask (store question, reply, wake) | ${ms(sdk.ask.p50)} | ${ms(sdk.ask.p99)} | ${ms(sdk.ask.max)} |`,
    "",
    ...roundTripLines(trips),
    "",
    ...wakeProfileLines(wakeLegs),
  );

  if (PROFILE) lines.push("", ...(await profiledSends(databaseUrl)));

  if (ONLY !== "targets") {
    const cap = await capacity({ users: 100, instancesPerUser: 100, streamsPerUser: 10, rounds: 100 });
    lines.push(
      "",
      ...capacityLines(cap),
      "",
      ...(await creationLines({ concurrency: 32, durationMs: SECONDS * 1000 })),
    );
  }
} finally {
  await database.drop();
}
const report = lines.join("\n");
console.log(report);
if (OUT) {
  const path = resolve(CWD, OUT);
  mkdirSync(resolve(path, ".."), { recursive: true });
  writeFileSync(path, `${report}\n`);
}
