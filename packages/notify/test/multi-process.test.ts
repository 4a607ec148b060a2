import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWebPushProvider, loadOrCreateVapidKeys } from "@omnara/notify";
import { createTestDatabase, newUserWithKey, type TestDatabase, testEnv } from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PushService } from "./support/push-service.ts";
import { type NotifyServer, startNotifyServer } from "./support/server.ts";

const vapid = loadOrCreateVapidKeys(mkdtempSync(join(tmpdir(), "omnara-vapid-")));
const onPostgres = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

onPostgres("two server processes on one Postgres [postgres]", () => {
  let push: PushService;
  let database: TestDatabase;
  let servers: NotifyServer[] = [];

  beforeAll(async () => {
    push = await PushService.start();
    database = await createTestDatabase("postgres");
    const start = () =>
      startNotifyServer("postgres", {
        database,
        notifications: {
          providers: {
            web_push: createWebPushProvider({ ...vapid, subject: "mailto:ops@example.com", agent: push.agent }),
          },
        },
      });
    servers = [await start(), await start()];
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await database.drop();
    await push[Symbol.asyncDispose]();
  });

  test("both dispatchers wake on every question (LISTEN/NOTIFY) yet each notification is sent once", async () => {
    const [a, b] = servers;
    if (!a || !b) throw new Error("servers did not start");
    const user = await newUserWithKey(a.url, "zoe");
    const browser = push.browser(`zoe-${randomUUID()}`);
    await user.user.registerNotificationDevice.mutate({ channel: "web_push", subscription: browser.subscription });
    const ids = Array.from({ length: 8 }, () => randomUUID());
    await Promise.all(
      ids.map((id, i) =>
        user.agent.sendMessage.mutate({
          agent_instance_id: id,
          agent_type: "x",
          content: `Question ${i}?`,
          requires_user_input: true,
        }),
      ),
    );
    const mine = (receipt: { path: string }) => browser.subscription.endpoint.endsWith(receipt.path);
    await push.inbox.waitFor(ids.length, 15_000, mine);
    for (const server of servers) {
      server.notifications?.wake();
      await server.notifications?.idle();
    }
    const bodies = push.inbox.items.filter(mine).map((r) => JSON.parse(browser.decrypt(r.body)).body);
    expect(bodies.sort()).toEqual(ids.map((_, i) => `Question ${i}?`).sort());
  });
});
