import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFcmProvider } from "@omnara/notify";
import { newUserWithKey } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FakeGoogle, unregistered } from "./support/google.ts";
import { type NotifyServer, startNotifyServer } from "./support/server.ts";

let google: FakeGoogle;
let server: NotifyServer;
// A service account as the Firebase console issues it, with a key made for this test.
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const serviceAccountFile = join(mkdtempSync(join(tmpdir(), "omnara-fcm-")), "service-account.json");
writeFileSync(
  serviceAccountFile,
  JSON.stringify({
    type: "service_account",
    project_id: "omnara-test",
    client_email: "firebase-adminsdk@omnara-test.iam.gserviceaccount.com",
    private_key: keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  }),
);
const TOKEN = "fcm-registration-token:APA91b-test-device-1";

beforeAll(async () => {
  google = await FakeGoogle.start(keys.publicKey.export({ type: "spki", format: "pem" }).toString());
  server = await startNotifyServer("pglite", {
    notifications: { providers: { fcm: createFcmProvider({ serviceAccountFile, httpAgent: google.agent }) } },
  });
});
afterAll(async () => {
  await server.close();
  await google[Symbol.asyncDispose]();
});

test("a question is sent by firebase-admin: an OAuth token from the service account, then FCM v1 messages:send", async () => {
  const alice = await newUserWithKey(server.url, "alice");
  const device = await alice.user.registerNotificationDevice.mutate({ channel: "fcm", token: TOKEN, name: "Pixel" });
  const instanceId = randomUUID();
  await alice.agent.sendMessage.mutate({
    agent_instance_id: instanceId,
    agent_type: "cursor",
    content: "Merge the PR now?\nCI is green.",
    requires_user_input: true,
  });

  const requests = await google.inbox.waitFor(2);
  expect(requests.map((r) => `${r.host} ${r.path}`)).toEqual([
    "oauth2.googleapis.com /token",
    "fcm.googleapis.com /v1/projects/omnara-test/messages:send",
  ]);
  const send = requests[1];
  expect(send?.headers["authorization"]).toBe("Bearer ya29.test-access-token");
  const { message } = JSON.parse(send?.body ?? "{}");
  expect(message).toMatchObject({
    token: TOKEN,
    notification: { title: "Cursor needs your input", body: "Merge the PR now?" },
    data: {
      event: "question",
      agent_instance_id: instanceId,
      count: "1",
      url: `https://omnara.example.com/instances/${instanceId}`,
    },
    android: { priority: "high", collapse_key: instanceId, notification: { tag: instanceId, sound: "default" } },
    apns: { payload: { aps: { sound: "default", "thread-id": instanceId } } },
  });
  expect(send?.body).not.toContain("CI is green");

  const entries = await server.until(async () => {
    const { entries } = await alice.user.listNotificationLog.query({ agent_instance_id: instanceId });
    return entries.length > 0 ? entries : undefined;
  });
  expect(entries).toEqual([expect.objectContaining({ channel: "fcm", device_id: device.id, outcome: "sent" })]);
});

test("an UNREGISTERED answer removes the token", async () => {
  const bob = await newUserWithKey(server.url, "bob");
  const token = "fcm-registration-token:APA91b-uninstalled";
  await bob.user.registerNotificationDevice.mutate({ channel: "fcm", token });
  google.respondToSend = (request) =>
    request.body.includes(token) ? unregistered : { status: 200, body: { name: "projects/omnara-test/messages/2" } };
  const instanceId = randomUUID();
  await bob.agent.sendMessage.mutate({
    agent_instance_id: instanceId,
    agent_type: "x",
    content: "?",
    requires_user_input: true,
  });

  const [entry] = await server.until(async () => {
    const { entries } = await bob.user.listNotificationLog.query({ agent_instance_id: instanceId });
    return entries.length > 0 ? entries : undefined;
  });
  expect(entry).toMatchObject({ channel: "fcm", outcome: "failed", will_retry: false });
  expect(entry?.reason).toMatch(/^FCM messaging\/registration-token-not-registered: .*\(device removed\)$/);
  expect(await bob.user.listNotificationDevices.query({})).toEqual([]);
});
