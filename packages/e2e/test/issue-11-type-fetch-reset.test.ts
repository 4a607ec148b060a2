import { randomUUID } from "node:crypto";
import { createDb } from "@omnara/db";
import {
  type ChildServer,
  createTestDatabase,
  newUserWithKey,
  type ResettingProxy,
  startChildServer,
  startResettingProxy,
  type TestDatabase,
  testEnv,
} from "@omnara/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * postgres.js fetched array types on each new connection from a promise nobody awaited: a
 * connection reset during that query (what an outage does to connections being opened) was an
 * unhandled rejection, and Node 20 ends a process on one. A proxy resets every new connection at
 * its first query, which is where the type fetch used to run.
 */
const suite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

suite("a connection reset at its first query is a failed query, never an unhandled rejection [postgres]", () => {
  let database: TestDatabase;
  let proxy: ResettingProxy;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const target = new URL(database.url ?? "");
    proxy = await startResettingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    process.on("unhandledRejection", onUnhandled);
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await proxy?.close();
    await database?.drop();
  });

  const waitUntil = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  test("in process: queries during the resets fail, the pool recovers, nothing is left unhandled", async () => {
    const { db, close } = await createDb({ url: proxy.url(database.url ?? ""), poolSize: 4, log: () => {} });
    try {
      await db.execute(sql`select 1`);
      const before = proxy.resets;
      proxy.hostile(true);
      const failed = await Promise.allSettled(Array.from({ length: 8 }, () => db.execute(sql`select 1`)));
      expect(failed.every((result) => result.status === "rejected")).toBe(true);
      await waitUntil(() => proxy.resets >= before + 4, "resets");
      proxy.hostile(false);
      expect(await db.execute(sql`select 2 as two`)).toMatchObject([{ two: 2 }]);
      // A rejection is reported unhandled once the microtask queue drains.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      await close();
    }
  }, 30_000);

  test("a real server process behind the resets stays up and serves once they stop", async () => {
    let child: ChildServer | undefined;
    let output = "";
    try {
      child = await startChildServer({ DATABASE_URL: proxy.url(database.url ?? "") });
      const server = child;
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
      };
      server.process.stdout?.on("data", collect);
      server.process.stderr?.on("data", collect);
      const alice = await newUserWithKey(server.url, "reset");
      const before = proxy.resets;
      proxy.hostile(true);
      // Calls that need new connections, while every new connection is reset at its first query.
      const tried = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          alice.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: "x", content: "during" }),
        ),
      );
      expect(tried.some((result) => result.status === "rejected")).toBe(true);
      await waitUntil(() => proxy.resets > before || server.process.exitCode !== null, "a reset");
      proxy.hostile(false);
      const sent = await alice.agent.sendMessage.mutate({
        agent_instance_id: randomUUID(),
        agent_type: "x",
        content: "after",
      });
      expect(sent.message_id).toEqual(expect.any(String));
      expect(server.process.exitCode).toBeNull();
      expect(output).not.toMatch(/unhandled|typarray/i);
    } finally {
      await child?.stop();
    }
  }, 60_000);
});
