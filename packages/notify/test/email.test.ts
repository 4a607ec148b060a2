import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type NotifyServer, startNotifyServer } from "./support/server.ts";
import { SmtpSink } from "./support/smtp.ts";

let smtp: SmtpSink;
let server: NotifyServer;

beforeAll(async () => {
  smtp = await SmtpSink.start();
  // Configured the way an operator does it: only environment variables, no test hooks.
  server = await startNotifyServer("pglite", {
    env: {
      OMNARA_SMTP_URL: smtp.url,
      OMNARA_SMTP_FROM: "Omnara <omnara@example.com>",
      OMNARA_WEB_PUSH_ENABLED: "false",
    },
  });
});
afterAll(async () => {
  await server.close();
  await smtp[Symbol.asyncDispose]();
});

test("email is opt-in; once on, a question arrives at the account's address over SMTP", async () => {
  const alice = await newUserWithKey(server.url, "alice");
  const before = await alice.user.getNotificationSettings.query({});
  expect(before).toMatchObject({
    email_enabled: false,
    push_enabled: true,
    email_address: alice.email,
    available_channels: ["email"],
  });
  const after = await alice.user.updateNotificationSettings.mutate({ email_enabled: true });
  expect(after.email_enabled).toBe(true);

  const instanceId = randomUUID();
  await alice.agent.sendMessage.mutate({
    agent_instance_id: instanceId,
    agent_type: "aider",
    content: "Should I squash the commits?\nThere are 14 of them.",
    requires_user_input: true,
  });
  const [mail] = await smtp.inbox.waitFor(1);
  expect(mail?.from).toBe("omnara@example.com");
  expect(mail?.to).toEqual([alice.email]);
  expect(mail?.raw).toMatch(/^Subject: Aider needs your input\r?$/m);
  // The body is quoted-printable: join its soft line breaks before reading it.
  const text = mail?.raw.replace(/=\r?\n/g, "");
  expect(text).toContain("Should I squash the commits?");
  expect(text).toContain(`https://omnara.example.com/instances/${instanceId}`);
  expect(text).not.toContain("14 of them");

  const entries = await server.until(async () => {
    const { entries } = await alice.user.listNotificationLog.query({ agent_instance_id: instanceId });
    return entries.some((entry) => entry.channel === "email") ? entries : undefined;
  });
  // Push is on but nothing is registered: that is logged too, so the user can see why no phone buzzed.
  expect(entries.map((e) => `${e.channel} ${e.outcome}`).sort()).toEqual(["email sent", "null no_devices"]);
});

test("send test notification reaches email and is followed in the log by its id", async () => {
  const bob = await newUserWithKey(server.url, "bob");
  await bob.user.updateNotificationSettings.mutate({ email_enabled: true });
  const sent = await bob.user.sendTestNotification.mutate({});
  expect(sent.channels).toEqual(["email"]);
  const entries = await server.until(async () => {
    const { entries } = await bob.user.listNotificationLog.query({ notification_id: sent.notification_id });
    return entries.some((entry) => entry.channel === "email") ? entries : undefined;
  });
  expect(entries).toContainEqual(expect.objectContaining({ event: "test", channel: "email", outcome: "sent" }));
  const mails = await smtp.inbox.waitFor(2);
  expect(mails[1]?.to).toEqual([bob.email]);
  expect(mails[1]?.raw).toMatch(/^Subject: Omnara test notification\r?$/m);
});
