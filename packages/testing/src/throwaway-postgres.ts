import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { freePort } from "./free-port.ts";

const run = promisify(execFile);
const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The newest installed server's bin directory, or undefined if none is installed. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((version) => existsSync(join(POSTGRES_ROOT, version, "bin", "initdb")))
    .sort((x, y) => Number(y) - Number(x));
  return versions[0] && join(POSTGRES_ROOT, versions[0], "bin");
}

/** Why a throwaway cluster cannot be made here, or undefined when it can. */
export function throwawayPostgresUnavailable(): string | undefined {
  if (!postgresBinDir()) return `no PostgreSQL server binaries under ${POSTGRES_ROOT}`;
  if (process.getuid?.() === 0 && !existsSync("/usr/sbin/runuser")) return "running as root without runuser";
  return undefined;
}

export interface ThrowawayPostgres {
  port: number;
  /** Admin URL (database `postgres`). */
  url: string;
  /** URL of a new, empty database on this cluster. */
  createDatabase(): Promise<string>;
  /** Runs SQL as the superuser on `database` (default `postgres`). */
  sql<T>(run: (sql: postgres.Sql) => Promise<T>, database?: string): Promise<T>;
  /** Shuts the cluster down (fast: connections are cut), as an outage would. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A Postgres cluster of its own, for fault tests: initdb into a temp dir (as the postgres user
 * when run as root), started on a free port, removed on close. The machine's shared server is
 * never touched.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(throwawayPostgresUnavailable());
  const dir = mkdtempSync(join(tmpdir(), "omnara-pg-"));
  const data = join(dir, "data");
  const asPostgres = process.getuid?.() === 0;
  if (asPostgres) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asPostgres ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);
  await pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  // Picked after initdb (seconds), right before the cluster binds it.
  let port = await freePort();
  const start = async () => {
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    await pg("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "30", "start"]);
  };
  const stop = async () => {
    await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
  };
  // Another throwaway cluster may have drawn the same port in between: draw again. (A restart
  // must come back on the same port, so only the first start may move.)
  for (let tries = 1; ; tries++) {
    try {
      await start();
      break;
    } catch (error) {
      if (tries >= 3) throw error;
      port = await freePort();
    }
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const sql = async <T>(body: (sql: postgres.Sql) => Promise<T>, database = "postgres"): Promise<T> => {
    const client = postgres(urlOf(database), { max: 1, onnotice: () => {} });
    try {
      return await body(client);
    } finally {
      await client.end({ timeout: 1 });
    }
  };
  let count = 0;
  const close = async () => {
    await stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    port,
    url,
    createDatabase: async () => {
      count += 1;
      const name = `omnara_fault_${count}`;
      await sql((client) => client.unsafe(`create database ${name}`));
      return urlOf(name);
    },
    sql,
    stop,
    start,
    close,
    [Symbol.asyncDispose]: close,
  };
}
