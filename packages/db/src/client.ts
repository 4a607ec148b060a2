import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { type Bus, createMemoryBus } from "./bus.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { migrationsFolder } from "./migrations-folder.ts";
import { createPostgresBus, reconnectBackoff } from "./postgres-bus.ts";
import { preparedClient } from "./prepared-client.ts";
import { makeDataDirPrivate } from "./private-data-dir.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** Typed against the common base so the same code runs on PGlite and on postgres.js. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  bus: Bus;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Postgres server URL. Without it the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite's directory; omitted means in memory. */
  dataDir?: string | undefined;
  /** An in-memory PGlite starts from this tarball (`migratedPgliteSnapshot`) instead of initdb. */
  snapshot?: Blob | undefined;
  /** Connections in the postgres.js pool. */
  poolSize?: number;
  /** Where the bus reports a NOTIFY that failed after its write committed (the app decides where logs go). */
  log: (error: unknown) => void;
}

/** Opens the database, applies committed migrations, and starts the change bus. */
export async function createDb(options: CreateDbOptions): Promise<Database> {
  const { log } = options;
  return options.url
    ? openPostgres(options.url, options.poolSize ?? 20, log)
    : openPglite(options.dataDir, options.snapshot);
}

async function openPglite(dataDir: string | undefined, snapshot: Blob | undefined): Promise<Database> {
  if (dataDir) makeDataDirPrivate(dataDir);
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  try {
    const client = dataDir
      ? new PGlite(join(dataDir, "pgdata"))
      : new PGlite(snapshot ? { loadDataDir: snapshot } : {});
    const db = drizzlePglite({ client, schema, casing: "snake_case" });
    await migratePglite(db, { migrationsFolder });
    if (dataDir) makeDataDirPrivate(dataDir);
    const bus = createMemoryBus();
    return {
      db,
      bus,
      kind: "pglite",
      close: async () => {
        await bus.close();
        await client.close();
        if (dataDir) makeDataDirPrivate(dataDir);
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 7_461_220_011;

async function openPostgres(url: string, poolSize: number, log: (error: unknown) => void): Promise<Database> {
  // A migration runs on one connection under an advisory lock, so processes starting together
  // on one database do not race each other's DDL.
  const migrator = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false });
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres({ client: migrator, casing: "snake_case" }), {
      migrationsFolder,
    });
    await migrator`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await migrator.end();
  }

  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    backoff: reconnectBackoff,
    // postgres.js fetches array types on every new connection from a floating promise: a
    // connection reset during that query (a database outage) became an unhandled rejection, which
    // ends a Node 20 process. Nothing here sends or reads Postgres arrays (the bus passes JSON), so
    // the fetch is not needed; see issue-11-type-fetch-reset.test.ts.
    fetch_types: false,
  });
  const db = drizzlePostgres({ client: preparedClient(client), schema, casing: "snake_case" });
  const bus = await createPostgresBus({ client, log });
  return {
    db,
    bus,
    kind: "postgres",
    close: async () => {
      await bus.close();
      await client.end({ timeout: 5 });
    },
  };
}
