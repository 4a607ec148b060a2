import { randomUUID } from "node:crypto";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newUserWithKey, startTestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

/** Every path under `root` whose mode lets group or others read, write or enter it. */
function exposed(root: string): { paths: string[]; total: number } {
  const paths: string[] = [];
  let total = 0;
  const walk = (path: string) => {
    const stat = lstatSync(path);
    total += 1;
    if (!stat.isSymbolicLink() && stat.mode & 0o077) paths.push(`${(stat.mode & 0o777).toString(8)} ${path}`);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(root);
  return { paths, total };
}

let parent: string;
let previousUmask: number;
beforeAll(() => {
  // The common default umask: it leaves new files readable by everyone unless the server acts.
  previousUmask = process.umask(0o022);
  parent = mkdtempSync(join(tmpdir(), "omnara-modes-"));
});
afterAll(() => {
  process.umask(previousUmask);
  rmSync(parent, { recursive: true, force: true });
});

test("the embedded database's data dir and every file in it are the owner's only, running and after close", async () => {
  const dataDir = join(parent, "data");
  const server = await startTestServer("pglite", { dataDir, env: { OMNARA_PGLITE_MEMORY: "false" } });
  try {
    const alice = await newUserWithKey(server.url, "alice");
    const id = randomUUID();
    for (let i = 0; i < 5; i += 1) {
      await alice.agent.sendMessage.mutate({
        agent_instance_id: id,
        agent_type: "Claude Code",
        content: `secret step ${i} ${"x".repeat(4000)}`,
        git_diff: "+".repeat(50_000),
      });
    }
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    const running = exposed(dataDir);
    expect(running.total).toBeGreaterThan(100);
    expect(running.paths).toEqual([]);
  } finally {
    await server.close();
  }
  const closed = exposed(dataDir);
  expect(closed.total).toBeGreaterThan(100);
  expect(closed.paths).toEqual([]);
});

test("a data dir left world-readable by an older version is made private on start", async () => {
  const dataDir = join(parent, "old");
  const first = await startTestServer("pglite", { dataDir, env: { OMNARA_PGLITE_MEMORY: "false" } });
  await first.close();
  chmodSync(dataDir, 0o755);
  chmodSync(join(dataDir, "secrets.json"), 0o644);
  chmodSync(join(dataDir, "pgdata", "PG_VERSION"), 0o666);
  const second = await startTestServer("pglite", { dataDir, env: { OMNARA_PGLITE_MEMORY: "false" } });
  try {
    expect(exposed(dataDir).paths).toEqual([]);
  } finally {
    await second.close();
  }
});
