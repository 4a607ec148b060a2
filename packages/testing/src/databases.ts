import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { describe } from "vitest";
import { testEnv } from "./env.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface TestDatabase {
  kind: DatabaseKind;
  /** Postgres URL of a database made for this test file; undefined for PGlite (in memory). */
  url: string | undefined;
  drop(): Promise<void>;
}

const withDatabase = (adminUrl: string, name: string): string => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** A fresh, empty database: in-memory PGlite, or a new database on the Postgres server. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === "pglite") return { kind, url: undefined, drop: async () => {} };
  const name = `omnara_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(testEnv.postgresAdminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    kind,
    url: withDatabase(testEnv.postgresAdminUrl, name),
    drop: async () => {
      const cleanup = postgres(testEnv.postgresAdminUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/**
 * Runs one suite on each database. Postgres is skipped only off CI and only when the test
 * runner found no server; `npm test` says so loudly.
 */
export function describeEachDatabase(name: string, suite: (kind: DatabaseKind) => void): void {
  describe(`${name} [pglite]`, () => suite("pglite"));
  const postgresSuite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;
  postgresSuite(`${name} [postgres]`, () => suite("postgres"));
}
