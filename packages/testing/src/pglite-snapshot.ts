import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migratedPgliteSnapshot, migrationsFingerprint } from "@omnara/db";

let snapshot: Promise<Blob> | undefined;

/**
 * The migrated empty database every in-memory test server starts from, made once per schema
 * and shared by the test processes through a file in the temp dir (named by the migrations'
 * fingerprint, so a new migration makes a new one). Written under a temporary name and renamed,
 * so a process reading it never sees half a file.
 */
export function testPgliteSnapshot(): Promise<Blob> {
  snapshot ??= load();
  return snapshot;
}

async function load(): Promise<Blob> {
  const file = join(tmpdir(), `omnara-test-pglite-${migrationsFingerprint()}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const made = await migratedPgliteSnapshot();
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await made.arrayBuffer()));
  renameSync(partial, file);
  return made;
}
