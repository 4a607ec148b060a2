import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, schema } from "@omnara/db";
import { Omnara } from "@omnara/sdk";
import {
  type ChildServer,
  createTestDatabase,
  type DatabaseKind,
  freePort,
  newUserWithKey,
  startChildServer,
  testEnv,
} from "@omnara/testing";
import { inArray } from "drizzle-orm";
import { describe, expect, test } from "vitest";

/**
 * A server killed with SIGKILL in the middle of a run and started again on the same port and
 * data: agents sending with idempotency keys (the SDK's, retried on every connection failure)
 * get every message acknowledged, and every acknowledged message is stored exactly once.
 */
const AGENTS = 20;
const SENDS = 50;
/** The server is killed when this many sends (in total) have been acknowledged, once per entry. */
const KILL_AT = [250, 650];

const kinds: DatabaseKind[] = testEnv.postgres === "skip" && !testEnv.ci ? ["pglite"] : ["pglite", "postgres"];

describe.each(kinds)("kill -9 under idempotent sends [%s]", (kind) => {
  test(`${AGENTS} agents × ${SENDS} sends, server killed ${KILL_AT.length} times: each acknowledged message stored once`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "omnara-kill9-"));
    const database = await createTestDatabase(kind);
    const env: Record<string, string> = { OMNARA_DATA_DIR: dataDir, OMNARA_RATE_LIMIT_PER_MINUTE: "0" };
    if (database.url) env["DATABASE_URL"] = database.url;
    // A port of its own, not 0: each restart binds it again, and an ephemeral port can be taken
    // by any connection on the machine while the server is down.
    const port = String(await freePort());
    let server: ChildServer = await startChildServer({ ...env, PORT: port });
    try {
      const account = await newUserWithKey(server.url, "kill9");
      const acknowledged = new Map<string, string>();
      const instances = Array.from({ length: AGENTS }, () => randomUUID());
      let killed = 0;
      let inFlight = 0;
      const inFlightAtKill: number[] = [];
      let restarting: Promise<void> | undefined;
      const kill = async () => {
        killed += 1;
        inFlightAtKill.push(inFlight);
        server.process.kill("SIGKILL");
        await once(server.process, "exit");
        server = await startChildServer({ ...env, PORT: port });
      };
      const agent = async (instance: string, index: number) => {
        // Backoff kept short and retries many: a restart takes seconds here, not minutes.
        const omnara = new Omnara({
          apiKey: account.apiKey,
          baseUrl: server.url,
          heartbeatIntervalMs: 0,
          retry: { maxRetries: 60, minDelayMs: 50, maxDelayMs: 500 },
        });
        for (let step = 0; step < SENDS; step++) {
          const content = `agent ${index} step ${step}`;
          inFlight += 1;
          const sent = await omnara.api
            .sendMessage({ agent_instance_id: instance, agent_type: "kill9", content })
            .finally(() => {
              inFlight -= 1;
            });
          acknowledged.set(sent.message_id, content);
          const next = KILL_AT[killed];
          if (next !== undefined && acknowledged.size >= next && !restarting) {
            restarting = kill().finally(() => {
              restarting = undefined;
            });
          }
        }
      };
      await Promise.all(instances.map(agent));
      await restarting;
      expect(killed).toBe(KILL_AT.length);
      // Killed mid-run: sends were in flight each time.
      expect(inFlightAtKill.every((count) => count > 0)).toBe(true);
      expect(acknowledged.size).toBe(AGENTS * SENDS);
      await server.stop();

      const opened = await createDb({
        ...(kind === "postgres" ? { url: database.url } : { dataDir }),
        log: console.error,
      });
      try {
        const stored = await opened.db
          .select({ id: schema.messages.id, content: schema.messages.content })
          .from(schema.messages)
          .where(inArray(schema.messages.agentInstanceId, instances));
        const copies = new Map<string, number>();
        for (const row of stored) copies.set(row.content, (copies.get(row.content) ?? 0) + 1);
        const duplicated = [...copies].filter(([, count]) => count > 1);
        const lost = [...acknowledged].filter(([id]) => !stored.some((row) => row.id === id));
        console.log(
          `[${kind}] kills: ${killed} (sends in flight: ${inFlightAtKill.join(", ")}), acknowledged: ${acknowledged.size}, stored: ${stored.length}, duplicated: ${duplicated.length}, lost: ${lost.length}`,
        );
        expect(duplicated).toEqual([]);
        expect(lost).toEqual([]);
        expect(stored.length).toBe(AGENTS * SENDS);
      } finally {
        await opened.close();
      }
    } finally {
      if (server.process.exitCode === null) server.process.kill("SIGKILL");
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
