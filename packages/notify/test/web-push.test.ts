import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWebPushProvider, loadOrCreateVapidKeys } from "@omnara/notify";
import { newUserWithKey } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PushService, verifyVapid } from "./support/push-service.ts";
import { type NotifyServer, startNotifyServer } from "./support/server.ts";

let service: PushService;
let server: NotifyServer;
const vapid = loadOrCreateVapidKeys(mkdtempSync(join(tmpdir(), "omnara-vapid-")));

beforeAll(async () => {
  service = await PushService.start();
  server = await startNotifyServer("pglite", {
    notifications: {
      providers: {
        web_push: createWebPushProvider({ ...vapid, subject: "mailto:ops@example.com", agent: service.agent }),
      },
    },
  });
});
afterAll(async () => {
  await server.close();
  await service[Symbol.asyncDispose]();
});

test("a question reaches the browser through the real web-push library, encrypted for its keys and signed with VAPID", async () => {
  const alice = await newUserWithKey(server.url, "alice");
  const settings = await alice.user.getNotificationSettings.query({});
  expect(settings.available_channels).toEqual(["web_push"]);
  expect(settings.web_push_public_key).toBe(vapid.publicKey);

  const browser = service.browser("alice-firefox");
  const device = await alice.user.registerNotificationDevice.mutate({
    channel: "web_push",
    subscription: browser.subscription,
    name: "Firefox on the laptop",
  });
  expect(device).toMatchObject({ channel: "web_push", name: "Firefox on the laptop", token_hint: "…-firefox" });

  const instanceId = randomUUID();
  const asked = await alice.agent.sendMessage.mutate({
    agent_instance_id: instanceId,
    agent_type: "Claude Code",
    content: "Deploy to production? [YES/NO]\nThe staging password is hunter2",
    requires_user_input: true,
  });
  expect(asked.success).toBe(true);

  const [receipt] = await service.inbox.waitFor(1);
  if (!receipt) throw new Error("no push");
  expect(receipt.path).toBe("/push/alice-firefox");
  expect(receipt.headers).toMatchObject({
    "content-encoding": "aes128gcm",
    ttl: "86400",
    urgency: "high",
    topic: instanceId.replaceAll("-", ""),
  });
  const origin = new URL(browser.subscription.endpoint).origin;
  const signed = verifyVapid(String(receipt.headers["authorization"]), origin);
  expect(signed).toEqual({ subject: "mailto:ops@example.com", publicKey: vapid.publicKey });

  const plaintext = browser.decrypt(receipt.body);
  expect(JSON.parse(plaintext)).toEqual({
    title: "Claude Code needs your input",
    body: "Deploy to production? [YES/NO]",
    notification_id: expect.any(String),
    event: "question",
    count: "1",
    agent_instance_id: instanceId,
    url: `https://omnara.example.com/instances/${instanceId}`,
  });
  expect(plaintext).not.toContain("hunter2");

  const log = await server.until(async () => {
    const { entries } = await alice.user.listNotificationLog.query({ agent_instance_id: instanceId });
    return entries.length > 0 ? entries : undefined;
  });
  expect(log).toEqual([
    expect.objectContaining({
      channel: "web_push",
      device_id: device.id,
      device_name: "Firefox on the laptop",
      outcome: "sent",
      attempt: 1,
    }),
  ]);
  const [listed] = await alice.user.listNotificationDevices.query({});
  expect(listed?.last_sent_at).not.toBeNull();
});

test("a subscription the push service reports gone (410) is removed, and the log says why", async () => {
  const bob = await newUserWithKey(server.url, "bob");
  const browser = service.browser("bob-chrome");
  await bob.user.registerNotificationDevice.mutate({ channel: "web_push", subscription: browser.subscription });
  service.respond = (receipt) => (receipt.path === "/push/bob-chrome" ? 410 : 201);

  const instanceId = randomUUID();
  await bob.agent.sendMessage.mutate({
    agent_instance_id: instanceId,
    agent_type: "codex",
    content: "Which branch?",
    requires_user_input: true,
  });
  const [entry] = await server.until(async () => {
    const { entries } = await bob.user.listNotificationLog.query({ agent_instance_id: instanceId });
    return entries.length > 0 ? entries : undefined;
  });
  expect(entry).toMatchObject({ channel: "web_push", outcome: "failed", will_retry: false });
  expect(entry?.reason).toMatch(/^push service 410: .*\(device removed\)$/);
  expect(await bob.user.listNotificationDevices.query({})).toEqual([]);
});
