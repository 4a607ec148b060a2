import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { createDb } from "../src/index.ts";

test("a second process cannot open an embedded database that is in use; a dead holder's claim is taken over", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "omnara-lock-"));
  // Another live process holds the claim.
  const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
  try {
    writeFileSync(join(dataDir, "pglite.pid"), String(other.pid));
    await expect(createDb({ dataDir, log: console.error })).rejects.toThrow(/in use by process/);
  } finally {
    other.kill();
    await once(other, "exit");
  }
  // That process is gone now: its stale claim no longer blocks.
  const database = await createDb({ dataDir, log: console.error });
  expect(existsSync(join(dataDir, "pglite.pid"))).toBe(true);
  await database.close();
  expect(existsSync(join(dataDir, "pglite.pid"))).toBe(false);
}, 60_000);
