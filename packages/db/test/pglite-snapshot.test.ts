import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, expect, test } from "vitest";
import { createDb, type Database, migratedPgliteSnapshot, migrationsFingerprint } from "../src/index.ts";
import { migrationsFolder } from "../src/migrations-folder.ts";

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** The committed migrations, copied where a test may change them. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), "omnara-migrations-"));
  copies.push(dir);
  cpSync(migrationsFolder, dir, { recursive: true });
  return dir;
}

interface Journal {
  entries: { tag: string }[];
}

/** Everything a test could tell two schemas apart by: columns, indexes, constraints, applied migrations. */
async function schemaOf(database: Database): Promise<unknown> {
  const { db } = database;
  const rows = async (query: string) => ((await db.execute(query)) as unknown as { rows: unknown[] }).rows;
  return {
    columns: await rows(
      "select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = 'public' order by 1, 2",
    ),
    indexes: await rows("select tablename, indexdef from pg_indexes where schemaname = 'public' order by 1, 2"),
    constraints: await rows(
      "select conrelid::regclass::text as on_table, conname, pg_get_constraintdef(oid) as def from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2",
    ),
    migrations: await rows("select hash, created_at from drizzle.__drizzle_migrations order by id"),
  };
}

test("the fingerprint names the migrations: the same files give the same name, an edited or added one another", () => {
  const copy = copyOfMigrations();
  expect(migrationsFingerprint(copy)).toBe(migrationsFingerprint());

  const edited = copyOfMigrations();
  const journal = JSON.parse(readFileSync(join(edited, "meta", "_journal.json"), "utf8")) as Journal;
  const last = journal.entries.at(-1)?.tag;
  if (!last) throw new Error("no migrations committed");
  appendFileSync(join(edited, `${last}.sql`), "\n-- one more line\n");
  expect(migrationsFingerprint(edited)).not.toBe(migrationsFingerprint());

  const added = copyOfMigrations();
  writeFileSync(join(added, "9999_next.sql"), "select 1;\n");
  expect(migrationsFingerprint(added)).not.toBe(migrationsFingerprint());
});

test("a database opened from a snapshot has the schema a fresh migration builds, even from a snapshot older than the newest migration", async () => {
  const older = copyOfMigrations();
  const journalFile = join(older, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as Journal;
  journal.entries.pop();
  writeFileSync(journalFile, JSON.stringify(journal));

  const olderSnapshot = await migratedPgliteSnapshot(older);
  // The older snapshot really lacks the newest migration (else what follows proves nothing).
  const raw = new PGlite({ loadDataDir: olderSnapshot });
  const applied = await raw.query<{ n: number }>("select count(*)::int as n from drizzle.__drizzle_migrations");
  await raw.close();
  expect(applied.rows[0]?.n).toBe(journal.entries.length);

  const fresh = await createDb({ log: console.error });
  const fromCurrent = await createDb({ log: console.error, snapshot: await migratedPgliteSnapshot() });
  const fromOlder = await createDb({ log: console.error, snapshot: olderSnapshot });
  try {
    const expected = await schemaOf(fresh);
    expect(await schemaOf(fromCurrent)).toEqual(expected);
    // Opening applies the migration the old snapshot lacks; it is not left a schema behind.
    expect(await schemaOf(fromOlder)).toEqual(expected);
  } finally {
    await Promise.all([fresh.close(), fromCurrent.close(), fromOlder.close()]);
  }
}, 180_000);
