import { createPublicKey, generateKeyPairSync, randomUUID, verify } from "node:crypto";
import { createApnsProvider } from "@omnara/notify";
import { newUserWithKey } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ApnsGateway } from "./support/apns-gateway.ts";
import { type NotifyServer, startNotifyServer } from "./support/server.ts";
import { testCertificate } from "./support/tls.ts";

let gateway: ApnsGateway;
let server: NotifyServer;
// What Apple issues as a .p8 file: a P-256 private key in PKCS#8 PEM.
const signingKey = generateKeyPairSync("ec", { namedCurve: "P-256" })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();
const TOKEN = "a1b2c3d4".repeat(8);

beforeAll(async () => {
  gateway = await ApnsGateway.start();
  server = await startNotifyServer("pglite", {
    notifications: {
      providers: {
        apns: createApnsProvider({
          key: signingKey,
          keyId: "KEY1234567",
          teamId: "TEAM123456",
          topic: "com.omnara.app",
          production: false,
          // The real library, connecting over HTTP/2 + TLS to the local gateway instead of Apple's.
          address: "127.0.0.1",
          port: gateway.port,
          ca: [testCertificate().cert],
        }),
      },
    },
  });
});
afterAll(async () => {
  await server.close();
  await gateway[Symbol.asyncDispose]();
});

/** The provider JWT Apple checks: ES256, kid = key id, iss = team id, signed by the .p8 key. */
function verifyProviderToken(authorization: string | undefined): void {
  const match = authorization?.match(/^bearer (.+)$/);
  const [header = "", claims = "", signature = ""] = match?.[1]?.split(".") ?? [];
  const decoded = (part: string): unknown => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  expect(decoded(header)).toMatchObject({ alg: "ES256", kid: "KEY1234567" });
  expect(decoded(claims)).toMatchObject({ iss: "TEAM123456", iat: expect.any(Number) });
  const key = createPublicKey(signingKey);
  const ok = verify(
    "sha256",
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  expect(ok).toBe(true);
}

test("a question goes to /3/device/<token> with the topic, a signed provider token and an alert for the instance", async () => {
  const alice = await newUserWithKey(server.url, "alice");
  const device = await alice.user.registerNotificationDevice.mutate({ channel: "apns", token: TOKEN, name: "iPhone" });
  const instanceId = randomUUID();
  await alice.agent.sendMessage.mutate({
    agent_instance_id: instanceId,
    agent_type: "claude code",
    content: "May I run the migration?\n\nIt drops the legacy table.",
    requires_user_input: true,
  });

  const [request] = await gateway.inbox.waitFor(1);
  expect(request?.path).toBe(`/3/device/${TOKEN}`);
  expect(request?.headers).toMatchObject({
    ":method": "POST",
    "apns-topic": "com.omnara.app",
    "apns-push-type": "alert",
    "apns-priority": "10",
    "apns-collapse-id": instanceId,
  });
  verifyProviderToken(String(request?.headers.authorization));
  expect(JSON.parse(request?.body ?? "")).toEqual({
    aps: {
      alert: { title: "Claude Code needs your input", body: "May I run the migration?" },
      sound: "default",
      "thread-id": instanceId,
    },
    notification_id: expect.any(String),
    event: "question",
    count: "1",
    agent_instance_id: instanceId,
    url: `https://omnara.example.com/instances/${instanceId}`,
  });
  const entries = await server.until(async () => {
    const { entries } = await alice.user.listNotificationLog.query({ agent_instance_id: instanceId });
    return entries.length > 0 ? entries : undefined;
  });
  expect(entries).toEqual([expect.objectContaining({ channel: "apns", device_id: device.id, outcome: "sent" })]);
});

test("an Unregistered answer (410) removes the token", async () => {
  const bob = await newUserWithKey(server.url, "bob");
  const token = "0f".repeat(32);
  await bob.user.registerNotificationDevice.mutate({ channel: "apns", token });
  gateway.respond = (request) =>
    request.path === `/3/device/${token}` ? { status: 410, reason: "Unregistered" } : { status: 200 };
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
  expect(entry).toMatchObject({
    channel: "apns",
    outcome: "failed",
    reason: "APNs 410 Unregistered (device removed)",
    will_retry: false,
  });
  expect(await bob.user.listNotificationDevices.query({})).toEqual([]);
});
