import { createHmac, randomUUID } from "node:crypto";
import { type CoreDeps, ownerAccess, reply, sendMessage, sendUserMessage } from "@omnara/core";
import { schema } from "@omnara/db";
import {
  describeEachDatabase,
  newUserWithKey,
  type ReceivedWebhook,
  rest,
  startTestServer,
  startWebhookReceiver,
  type TestServer,
  type WebhookReceiver,
} from "@omnara/testing";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";

type Account = Awaited<ReturnType<typeof newUserWithKey>>;

/** The receiver's own check of the documented format: t=<seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>. */
function expectSigned(call: ReceivedWebhook, secret: string): void {
  const header = String(call.headers["x-omnara-signature"]);
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  expect(match, header).not.toBeNull();
  const [, t, mac] = match ?? [];
  expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
  expect(mac).toBe(createHmac("sha256", secret).update(`${t}.${call.body}`).digest("hex"));
}

/** A v1 n8n "Send and Wait" question, as the node sends it (webhook mode). */
async function askLikeN8n(
  server: TestServer,
  a: Account,
  webhookUrl: string,
): Promise<{ id: string; messageId: string }> {
  const id = randomUUID();
  const sent = await rest(server.url, "POST", "/api/v1/messages/agent", {
    token: a.apiKey,
    body: {
      agent_instance_id: id,
      agent_type: "n8n",
      content: "Approve the deploy?",
      requires_user_input: true,
      message_metadata: {
        webhook_url: webhookUrl,
        webhook_type: "n8n_send_and_wait",
        execution_id: "exec-123",
        node_id: "node-456",
      },
    },
  });
  expect(sent.status).toBe(200);
  return { id, messageId: String(sent.body["message_id"]) };
}

const deliveriesOf = async (a: Account) => (await a.user.listWebhookDeliveries.query({})).deliveries;

/** Until every queued delivery is finished (delivered or given up), with a deadline. */
async function settled(server: TestServer, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await server.database.db
      .select({ id: schema.webhookDeliveries.id })
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.state, "pending"));
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.length} webhook deliveries still pending`);
    await new Promise<void>((resolve) => {
      const stop = server.notifications?.onPass(() => {
        stop?.();
        resolve();
      });
      server.notifications?.wake();
    });
  }
}

describeEachDatabase("outbound webhooks: n8n resume and event webhooks", (kind) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { OMNARA_WEBHOOK_ALLOW_PRIVATE: "true" },
      notifications: { webhookRetryDelaysMs: [50, 100, 100] },
    });
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await receiver?.close();
  });

  test("a reply resumes n8n: exactly one POST with v1's body and headers, signed; a second reply sends none", async () => {
    receiver = await startWebhookReceiver();
    const a = await newUserWithKey(server.url, "n8n");
    const { secret } = { secret: (await a.user.getWebhookSigningSecret.query({})).signing_secret };
    const q = await askLikeN8n(server, a, `${receiver.url}/webhook-waiting/exec-123/node-456`);
    const answer = await a.user.reply.mutate({ agent_instance_id: q.id, content: "yes, ship it" });
    const [call] = await receiver.waitFor(1);
    if (!call) throw new Error("no call");
    expect(call.method).toBe("POST");
    expect(call.path).toBe("/webhook-waiting/exec-123/node-456");
    expect(call.headers["x-omnara-webhook"]).toBe("true");
    expect(call.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(call.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      "agent_instance_id",
      "message_id",
      "timestamp",
      "user_id",
      "user_message",
    ]);
    expect(body).toMatchObject({
      user_message: "yes, ship it",
      user_id: a.userId,
      message_id: answer.id,
      agent_instance_id: q.id,
    });
    // Python's isoformat() of an aware UTC datetime, as v1 sent it.
    expect(String(body["timestamp"])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expectSigned(call, secret);

    await a.user.reply.mutate({ agent_instance_id: q.id, content: "and again" });
    await settled(server);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = await deliveriesOf(a);
    expect(delivery).toMatchObject({
      event: "n8n_resume",
      state: "delivered",
      webhook_id: null,
      agent_instance_id: q.id,
    });
    expect(delivery?.attempts.map((attempt) => attempt.status)).toEqual([200]);
    // Only an excerpt of the receiver's 2 KB answer is kept.
    expect(delivery?.attempts[0]?.response_excerpt?.length).toBe(512);
    const [question] = await server.database.db
      .select({ metadata: schema.messages.messageMetadata })
      .from(schema.messages)
      .where(eq(schema.messages.id, q.messageId));
    expect(question?.metadata).toMatchObject({ webhook_triggered: true, webhook_response_status: 200 });
  });

  test("a failing receiver is retried with backoff until it answers 2xx; the log shows each attempt", async () => {
    receiver = await startWebhookReceiver();
    receiver.answers.push(500, 503);
    const a = await newUserWithKey(server.url, "retry");
    const q = await askLikeN8n(server, a, `${receiver.url}/resume`);
    await a.agent.sendUserMessage.mutate({ agent_instance_id: q.id, content: "typed at the terminal" });
    const calls = await receiver.waitFor(3);
    await settled(server);
    expect(receiver.received).toHaveLength(3);
    // Retries send the same bytes (only the signature's timestamp may differ).
    expect(new Set(calls.map((call) => call.body)).size).toBe(1);
    expect(new Set(calls.map((call) => call.headers["x-omnara-delivery"])).size).toBe(1);
    const [delivery] = await deliveriesOf(a);
    expect(delivery?.state).toBe("delivered");
    expect(delivery?.attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    expect(delivery?.attempts[0]?.error).toBe("the receiver answered 500");
  });

  test("a receiver that never answers 2xx is given up after the retries, and replay sends it again", async () => {
    receiver = await startWebhookReceiver();
    receiver.answers.push(500, 500, 500, 500);
    const a = await newUserWithKey(server.url, "giveup");
    const q = await askLikeN8n(server, a, `${receiver.url}/resume`);
    await a.user.reply.mutate({ agent_instance_id: q.id, content: "ok" });
    await receiver.waitFor(4);
    await settled(server);
    const [failed] = await deliveriesOf(a);
    expect(failed?.state).toBe("failed");
    expect(failed?.attempts).toHaveLength(4);
    const replay = await a.user.replayWebhookDelivery.mutate({ delivery_id: failed?.id ?? "" });
    expect(replay).toMatchObject({ replay_of: failed?.id, state: "pending", body: failed?.body });
    const calls = await receiver.waitFor(5);
    expect(calls[4]?.body).toBe(failed?.body);
    expect(calls[4]?.headers["x-omnara-delivery"]).toBe(replay.id);
    await settled(server);
    expect((await a.user.listWebhookDeliveries.query({ delivery_id: replay.id })).deliveries[0]?.state).toBe(
      "delivered",
    );
  });

  test("event webhooks: question asked, reply and session ended arrive signed, in order; test-send works", async () => {
    receiver = await startWebhookReceiver();
    const a = await newUserWithKey(server.url, "events");
    const secret = (await a.user.getWebhookSigningSecret.query({})).signing_secret;
    const hook = await a.user.createWebhook.mutate({
      url: `${receiver.url}/omnara`,
      events: ["question_asked", "user_reply", "session_ended"],
      description: "CI bot",
    });
    expect(hook).toMatchObject({ enabled: true, description: "CI bot" });
    const test = await a.user.sendTestWebhook.mutate({ webhook_id: hook.id });
    const [first] = await receiver.waitFor(1);
    expect(first?.headers["x-omnara-event"]).toBe("test");
    expect(JSON.parse(first?.body ?? "{}")).toMatchObject({ id: test.id, event: "test", user_id: a.userId });

    const id = randomUUID();
    const q = await a.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "claude code",
      content: "Which branch?",
      requires_user_input: true,
    });
    await receiver.waitFor(2);
    const r = await a.user.reply.mutate({ agent_instance_id: id, content: "main", question_id: q.message_id });
    await receiver.waitFor(3);
    await a.agent.endSession.mutate({ agent_instance_id: id, status: "COMPLETED" });
    const calls = await receiver.waitFor(4);
    const bodies = calls.slice(1).map((call) => JSON.parse(call.body) as Record<string, unknown>);
    expect(bodies.map((body) => body["event"])).toEqual(["question_asked", "user_reply", "session_ended"]);
    expect(bodies[0]).toMatchObject({
      agent_instance_id: id,
      data: { message_id: q.message_id, content: "Which branch?" },
    });
    expect(bodies[1]).toMatchObject({ data: { message_id: r.id, content: "main", question_id: q.message_id } });
    expect(bodies[2]).toMatchObject({ data: { status: "COMPLETED" } });
    for (const call of calls) expectSigned(call, secret);
    expect(calls.every((call) => call.headers["x-omnara-webhook"] === undefined)).toBe(true);

    // Paused: nothing queued; rotated: the next delivery is signed with the new secret.
    await a.user.updateWebhook.mutate({ webhook_id: hook.id, enabled: false });
    await a.agent.sendMessage.mutate({
      agent_instance_id: randomUUID(),
      agent_type: "x",
      content: "?",
      requires_user_input: true,
    });
    const rotated = (await a.user.rotateWebhookSigningSecret.mutate({})).signing_secret;
    expect(rotated).not.toBe(secret);
    await a.user.sendTestWebhook.mutate({ webhook_id: hook.id });
    const [, , , , last] = await receiver.waitFor(5);
    if (!last) throw new Error("no test call");
    expectSigned(last, rotated);
    await settled(server);
    expect(receiver.received).toHaveLength(5);
  });

  test("another user's webhooks and deliveries are 404, and bad URLs are 400 with the field", async () => {
    const a = await newUserWithKey(server.url, "owner");
    const b = await newUserWithKey(server.url, "other");
    const hook = await a.user.createWebhook.mutate({ url: "http://127.0.0.1:9/hook", events: ["user_reply"] });
    const test = await a.user.sendTestWebhook.mutate({ webhook_id: hook.id });
    const calls = [
      () => b.user.updateWebhook.mutate({ webhook_id: hook.id, enabled: false }),
      () => b.user.deleteWebhook.mutate({ webhook_id: hook.id }),
      () => b.user.sendTestWebhook.mutate({ webhook_id: hook.id }),
      () => b.user.replayWebhookDelivery.mutate({ delivery_id: test.id }),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect((await b.user.listWebhooks.query({})).webhooks).toEqual([]);
    expect((await b.user.listWebhookDeliveries.query({ webhook_id: hook.id })).deliveries).toEqual([]);
    expect((await a.user.listWebhooks.query({})).webhooks.map((w) => w.enabled)).toEqual([true]);
    const bad = await rest(server.url, "POST", "/api/v1/webhooks", {
      token: a.sessionToken,
      body: { url: "ftp://example.com/x", events: ["user_reply"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.issues?.map((issue) => issue.path)).toContain("url");
    const none = await rest(server.url, "POST", "/api/v1/webhooks", {
      token: a.sessionToken,
      body: { url: "https://example.com/x", events: [] },
    });
    expect(none.status).toBe(400);
  });

  test("race: two replies at once to one question queue one resume call (100 rounds)", async () => {
    receiver = await startWebhookReceiver();
    const a = await newUserWithKey(server.url, "race");
    const deps: CoreDeps = server.deps;
    const agent = { userId: a.userId, apiKeyId: a.apiKeyId };
    const rounds = 100;
    const ids = Array.from({ length: rounds }, () => randomUUID());
    await Promise.all(
      ids.map((id) =>
        sendMessage(deps, agent, {
          agent_instance_id: id,
          agent_type: "n8n",
          content: "?",
          requires_user_input: true,
          message_metadata: { webhook_url: `${receiver.url}/w/${id}` },
        }),
      ),
    );
    for (let at = 0; at < rounds; at += 50) {
      await Promise.all(
        ids
          .slice(at, at + 50)
          .flatMap((id) => [
            reply(deps, ownerAccess({ userId: a.userId }, id), { agent_instance_id: id, content: "from the phone" }),
            sendUserMessage(deps, agent, { agent_instance_id: id, content: "from the terminal", mark_as_read: false }),
          ]),
      );
    }
    await receiver.waitFor(rounds, 60_000);
    await settled(server, 60_000);
    expect(receiver.received).toHaveLength(rounds);
    expect(new Set(receiver.received.map((call) => call.path))).toEqual(new Set(ids.map((id) => `/w/${id}`)));
  });
});

describeEachDatabase("the SSRF guard", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { OMNARA_WEBHOOK_ALLOW_PRIVATE: "false" } });
  });
  afterAll(() => server.close());

  test("loopback, private and link-local URLs are refused without a retry, by IP or by a name that resolves there", async () => {
    await using receiver = await startWebhookReceiver();
    const a = await newUserWithKey(server.url, "ssrf");
    const urls = [
      `${receiver.url}/by-ip`,
      `http://localhost:${receiver.port}/by-name`,
      `http://[::ffff:127.0.0.1]:${receiver.port}/mapped`,
      "http://169.254.169.254/latest/meta-data",
      "http://10.1.2.3/internal",
    ];
    for (const url of urls) {
      const q = await askLikeN8n(server, a, url);
      await a.user.reply.mutate({ agent_instance_id: q.id, content: "ok" });
    }
    await settled(server);
    const deliveries = await deliveriesOf(a);
    expect(deliveries).toHaveLength(urls.length);
    for (const delivery of deliveries) {
      expect(delivery.state, delivery.url).toBe("failed");
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0]?.error).toMatch(
        /private, loopback or link-local address; set OMNARA_WEBHOOK_ALLOW_PRIVATE=true/,
      );
    }
    expect(receiver.received).toHaveLength(0);
  });
});
