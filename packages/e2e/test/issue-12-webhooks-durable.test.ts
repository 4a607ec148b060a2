import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, schema } from "@omnara/db";
import {
  createTestDatabase,
  describeEachDatabase,
  eventually,
  newUserWithKey,
  rest,
  startChildServer,
  startTestServer,
  startWebhookReceiver,
  testEnv,
} from "@omnara/testing";
import { asc } from "drizzle-orm";
import { describe, expect, test } from "vitest";

const question = (webhookUrl: string) => ({
  agent_instance_id: randomUUID(),
  agent_type: "n8n",
  content: "Approve?",
  requires_user_input: true,
  message_metadata: { webhook_url: webhookUrl, webhook_type: "n8n_send_and_wait" },
});

describeEachDatabase("a queued webhook outlives the process that queued it", (kind) => {
  test("queued by a server that sends nothing and stops; the next server on the same data sends it once", async () => {
    await using receiver = await startWebhookReceiver();
    const database = await createTestDatabase(kind);
    const dataDir = mkdtempSync(join(tmpdir(), "omnara-webhook-"));
    const env = { OMNARA_WEBHOOK_ALLOW_PRIVATE: "true", OMNARA_PGLITE_MEMORY: "false" };
    try {
      const first = await startTestServer(kind, { env, dataDir, database, notifications: { dispatch: false } });
      const a = await newUserWithKey(first.url, "durable");
      const ask = question(`${receiver.url}/resume`);
      await rest(first.url, "POST", "/api/v1/messages/agent", { token: a.apiKey, body: ask });
      await a.user.reply.mutate({ agent_instance_id: ask.agent_instance_id, content: "approved" });
      await first.close();
      expect(receiver.received).toHaveLength(0);

      const second = await startTestServer(kind, { env, dataDir, database });
      try {
        const [call] = await receiver.waitFor(1);
        expect(JSON.parse(call?.body ?? "{}")).toMatchObject({
          user_message: "approved",
          agent_instance_id: ask.agent_instance_id,
        });
        await second.notifications?.idle();
        expect(receiver.received).toHaveLength(1);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const suite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

suite("a server killed (SIGKILL) between enqueue and delivery [postgres]", () => {
  test("the next process delivers the resume call once", async () => {
    // The receiver is down when the reply is made: the first attempt fails and a retry is queued.
    const probe = await startWebhookReceiver();
    const port = probe.port;
    await probe.close();
    const database = await createTestDatabase("postgres");
    const dataDir = mkdtempSync(join(tmpdir(), "omnara-webhook-kill-"));
    const env = { DATABASE_URL: database.url ?? "", OMNARA_DATA_DIR: dataDir, OMNARA_WEBHOOK_ALLOW_PRIVATE: "true" };
    const observer = await createDb({ url: database.url, dataDir: undefined, log: () => {} });
    const { db } = observer;
    const until = (what: string, done: () => Promise<boolean>) => eventually(what, done, 30_000);
    const attempts = () => db.select().from(schema.webhookAttempts).orderBy(asc(schema.webhookAttempts.attempt));
    try {
      const first = await startChildServer(env);
      const a = await newUserWithKey(first.url, "killed");
      const ask = question(`http://127.0.0.1:${port}/resume`);
      await rest(first.url, "POST", "/api/v1/messages/agent", { token: a.apiKey, body: ask });
      await a.user.reply.mutate({ agent_instance_id: ask.agent_instance_id, content: "go" });
      await until("the first attempt", async () => (await attempts()).length === 1);
      first.process.kill("SIGKILL");
      await new Promise((resolve) => first.process.once("exit", resolve));

      await using receiver = await startWebhookReceiver(port);
      const second = await startChildServer(env);
      try {
        const [call] = await receiver.waitFor(1, 30_000);
        expect(JSON.parse(call?.body ?? "{}")).toMatchObject({ user_message: "go", user_id: a.userId });
        await until("the delivery's state", async () => (await attempts()).length === 2);
        const rows = await db.select().from(schema.webhookDeliveries);
        expect(rows.map((row) => row.state)).toEqual(["delivered"]);
        expect((await attempts()).map((row) => row.status)).toEqual([null, 200]);
        expect(receiver.received).toHaveLength(1);
      } finally {
        await second.stop();
      }
    } finally {
      await observer.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
