import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface LoadResult {
  /** Completed 2xx requests per second. */
  rate: number;
  /** Responses that were not 2xx, and socket errors: a run with any is reported, not trusted. */
  failures: number;
  /** What the failures were: "503" and the like for answers, "errors" / "timeouts" for sockets. */
  failureKinds: Record<string, number>;
  latencyP50: number;
  latencyP99: number;
  /** CPU time per wall second, in cores (1.00 = one core busy all the time). */
  serverCpu: number;
  generatorCpu: number;
}

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** User + system CPU seconds the process has used, or undefined off Linux. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may hold spaces) start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

export interface LoadOptions {
  url: string;
  /** One connection per simulated agent (or client), one request in flight on each. */
  connections: number;
  durationSeconds: number;
  serverPid: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** The body for each connection, by its index: each agent talks to its own instance. */
  bodyFor?: (connection: number) => string;
}

/**
 * Drives the server with autocannon from this process (the server runs in its own), and reports
 * both processes' CPU: when the server is at one core and the generator below it, the figure is
 * the server's ceiling, not the generator's.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const serverBefore = processCpuSeconds(options.serverPid);
  const generatorBefore = process.cpuUsage();
  const started = performance.now();
  // Socket errors by code (ECONNRESET, ...): a failed run says what failed.
  const socketErrors: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolveResult, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationSeconds,
        method: options.method ?? "GET",
        headers: options.headers ?? {},
        setupClient: (client) => {
          const connection = next++;
          if (options.bodyFor) client.setBody(options.bodyFor(connection));
        },
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolveResult(done)),
    );
    instance.on("reqError", (error: unknown) => {
      const code =
        error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : String(error);
      socketErrors[code] = (socketErrors[code] ?? 0) + 1;
    });
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const serverAfter = processCpuSeconds(options.serverPid);
  const generator = process.cpuUsage(generatorBefore);
  const ok = result["2xx"];
  const failureKinds: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    if (!status.startsWith("2") && (stats.count ?? 0) > 0) failureKinds[status] = stats.count ?? 0;
  }
  if (result.errors > 0) Object.assign(failureKinds, socketErrors);
  if (result.timeouts > 0) failureKinds["timeouts"] = result.timeouts;
  return {
    rate: ok / wallSeconds,
    failures: result.non2xx + result.errors + result.timeouts,
    failureKinds,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    serverCpu:
      serverBefore === undefined || serverAfter === undefined ? Number.NaN : (serverAfter - serverBefore) / wallSeconds,
    generatorCpu: (generator.user + generator.system) / 1e6 / wallSeconds,
  };
}
