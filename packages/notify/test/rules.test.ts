import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { schema } from "@omnara/db";
import { createEmailProvider, createWebPushProvider, loadOrCreateVapidKeys, type Providers } from "@omnara/notify";
import { createTestDatabase, describeEachDatabase, newUserWithKey } from "@omnara/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Browser, PushService } from "./support/push-service.ts";
import { type NotifyServer, startNotifyServer } from "./support/server.ts";
import { SmtpSink } from "./support/smtp.ts";

/**
 * The rate-limit window. The collapse test asks twice more after the first push arrived, and both
 * must be queued before the window (counted from the first push's planning) ends: the push's
 * delivery, the test's two calls and the dispatcher's wake have to fit in it. Two seconds did not
 * leave a loaded CI machine that room; ten do, and cost that one test the wait.
 */
const WINDOW_SECONDS = 10;
const vapid = loadOrCreateVapidKeys(mkdtempSync(join(tmpdir(), "omnara-vapid-")));

describeEachDatabase("notification rules", (kind) => {
  let push: PushService;
  let smtp: SmtpSink;
  let server: NotifyServer;
  const providers = (): Providers => ({
    web_push: createWebPushProvider({ ...vapid, subject: "mailto:ops@example.com", agent: push.agent }),
    email: createEmailProvider({ url: smtp.url, from: "omnara@example.com" }),
  });

  beforeAll(async () => {
    push = await PushService.start();
    smtp = await SmtpSink.start();
    server = await startNotifyServer(kind, {
      env: { OMNARA_NOTIFY_DEDUPE_SECONDS: String(WINDOW_SECONDS) },
      notifications: { providers: providers(), retryDelaysMs: [200, 400] },
    });
  });
  afterAll(async () => {
    await server?.close();
    await push[Symbol.asyncDispose]();
    await smtp[Symbol.asyncDispose]();
  });

  /** A user with one subscribed browser; each test has its own, so counts stay per test. */
  async function userWithBrowser(name: string) {
    const who = await newUserWithKey(server.url, name);
    const browser = push.browser(`${name}-${randomUUID()}`);
    await who.user.registerNotificationDevice.mutate({ channel: "web_push", subscription: browser.subscription });
    const pushesTo = (b: Browser) => (receipt: { path: string }) => b.subscription.endpoint.endsWith(receipt.path);
    const received = () => push.inbox.items.filter(pushesTo(browser)).map((r) => JSON.parse(browser.decrypt(r.body)));
    const waitForPushes = async (count: number, timeoutMs?: number) => {
      await push.inbox.waitFor(count, timeoutMs, pushesTo(browser));
      return received();
    };
    /** The log of one instance once `ready` accepts it. */
    const logOf = (instanceId: string, ready: (entries: { channel: string | null; outcome: string }[]) => boolean) =>
      server.until(async () => {
        const { entries } = await who.user.listNotificationLog.query({ agent_instance_id: instanceId });
        return ready(entries) ? entries : undefined;
      });
    return { ...who, browser, received, waitForPushes, logOf };
  }

  const ask = (agent: Awaited<ReturnType<typeof userWithBrowser>>["agent"], id: string, content: string, flags = {}) =>
    agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "claude code",
      content,
      requires_user_input: true,
      ...flags,
    });

  const jobsOf = (instanceId: string) =>
    server.database.db
      .select()
      .from(schema.notificationJobs)
      .where(eq(schema.notificationJobs.agentInstanceId, instanceId));

  test("a question notifies once on each enabled channel (push and email)", async () => {
    const alice = await userWithBrowser("alice");
    await alice.user.updateNotificationSettings.mutate({ email_enabled: true });
    const id = randomUUID();
    await ask(alice.agent, id, "Ship it?");
    const entries = await alice.logOf(id, (e) => e.length >= 2);
    expect(entries.map((e) => `${e.channel} ${e.outcome}`).sort()).toEqual(["email sent", "web_push sent"]);
    expect(await alice.waitForPushes(1)).toEqual([
      expect.objectContaining({ title: "Claude Code needs your input", body: "Ship it?" }),
    ]);
    const mails = await smtp.inbox.waitFor(1, undefined, (mail) => mail.to.includes(alice.email));
    expect(mails).toHaveLength(1);
  });

  test("a plain step notifies no one; a step that asks for push notifies by push only", async () => {
    const bob = await userWithBrowser("bob");
    await bob.user.updateNotificationSettings.mutate({ email_enabled: true });
    const quiet = randomUUID();
    await bob.agent.sendMessage.mutate({ agent_instance_id: quiet, agent_type: "codex", content: "Reading files" });
    // Nothing was queued with the step, so nothing can ever be sent for it.
    expect(await jobsOf(quiet)).toEqual([]);

    const loud = randomUUID();
    await bob.agent.sendMessage.mutate({
      agent_instance_id: loud,
      agent_type: "codex",
      content: "Tests pass",
      send_push: true,
    });
    const entries = await bob.logOf(loud, (e) => e.length >= 2);
    expect(entries.map((e) => `${e.channel} ${e.outcome}`).sort()).toEqual(["email suppressed", "web_push sent"]);
    expect(await bob.waitForPushes(1)).toEqual([
      expect.objectContaining({ title: "Codex", body: "Tests pass", event: "step" }),
    ]);
  });

  test("a channel turned off stays off whatever the message asks; a message can turn one off", async () => {
    const carol = await userWithBrowser("carol");
    await carol.user.updateNotificationSettings.mutate({ push_enabled: false, email_enabled: true });
    const widened = randomUUID();
    await ask(carol.agent, widened, "Rebase?", { send_push: true });
    const first = await carol.logOf(widened, (e) => e.length >= 2);
    expect(first).toContainEqual(
      expect.objectContaining({
        channel: null,
        outcome: "suppressed",
        reason: "push is turned off in notification settings",
      }),
    );
    expect(first).toContainEqual(expect.objectContaining({ channel: "email", outcome: "sent" }));

    await carol.user.updateNotificationSettings.mutate({ push_enabled: true });
    const narrowed = randomUUID();
    await ask(carol.agent, narrowed, "Force-push?", { send_email: false });
    const second = await carol.logOf(narrowed, (e) => e.length >= 2);
    expect(second.map((e) => `${e.channel} ${e.outcome}`).sort()).toEqual(["email suppressed", "web_push sent"]);
    // The only push carol ever got is the second question's.
    expect(await carol.waitForPushes(1)).toEqual([expect.objectContaining({ body: "Force-push?" })]);
  });

  test("a message's send_push / send_email override its agent type's default, never a global switch", async () => {
    const dave = await userWithBrowser("dave");
    await dave.user.updateNotificationSettings.mutate({ email_enabled: true });
    const first = randomUUID();
    await dave.agent.sendMessage.mutate({ agent_instance_id: first, agent_type: "codex", content: "Reading" });
    const codex = (await dave.user.getNotificationSettings.query({})).agents.find((a) => a.agent_type_name === "codex");
    if (!codex) throw new Error("codex is not listed");
    expect(codex).toMatchObject({ push_enabled: true, email_enabled: true });
    const muted = await dave.user.updateNotificationSettings.mutate({
      agents: [{ agent_type_id: codex.agent_type_id, push_enabled: false, email_enabled: false }],
    });
    expect(muted.agents).toContainEqual({ ...codex, push_enabled: false, email_enabled: false });
    const outcomes = (entries: { channel: string | null; outcome: string; reason?: string | null }[]) =>
      entries.map((e) => `${e.channel} ${e.outcome}${e.outcome === "suppressed" ? `: ${e.reason}` : ""}`).sort();

    // No flag: the agent type's default (off) decides.
    const plainCodex = randomUUID();
    await dave.agent.sendMessage.mutate({
      agent_instance_id: plainCodex,
      agent_type: "codex",
      content: "Plain?",
      requires_user_input: true,
    });
    expect(outcomes(await dave.logOf(plainCodex, (e) => e.length >= 2))).toEqual([
      "email suppressed: email is off for Codex in notification settings",
      "null suppressed: push is off for Codex in notification settings",
    ]);
    // A flag overrides the default for its message: push on a question, email on a step.
    const pushed = randomUUID();
    await dave.agent.sendMessage.mutate({
      agent_instance_id: pushed,
      agent_type: "codex",
      content: "Deploy?",
      requires_user_input: true,
      send_push: true,
    });
    expect(outcomes(await dave.logOf(pushed, (e) => e.length >= 2))).toEqual([
      "email suppressed: email is off for Codex in notification settings",
      "web_push sent",
    ]);
    expect(await dave.waitForPushes(1)).toEqual([expect.objectContaining({ body: "Deploy?" })]);
    const mailed = randomUUID();
    await dave.agent.sendMessage.mutate({
      agent_instance_id: mailed,
      agent_type: "codex",
      content: "Report ready",
      send_email: true,
    });
    const mailLog = await dave.logOf(mailed, (e) => e.length >= 2);
    expect(outcomes(mailLog)).toEqual([
      "email sent",
      "null suppressed: a step notifies by push only when its message asks (send_push)",
    ]);
    // The global switch bounds every flag.
    await dave.user.updateNotificationSettings.mutate({ push_enabled: false });
    const bounded = randomUUID();
    await dave.agent.sendMessage.mutate({
      agent_instance_id: bounded,
      agent_type: "codex",
      content: "Now?",
      requires_user_input: true,
      send_push: true,
      send_email: true,
    });
    expect(outcomes(await dave.logOf(bounded, (e) => e.length >= 2))).toEqual([
      "email sent",
      "null suppressed: push is turned off in notification settings",
    ]);
    expect(dave.received()).toHaveLength(1);

    const eve = await newUserWithKey(server.url, "eve");
    await expect(
      eve.user.updateNotificationSettings.mutate({
        agents: [{ agent_type_id: codex.agent_type_id, push_enabled: true }],
      }),
    ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  });

  test("no notification while the user watches the instance; notifications resume when the tab is hidden", async () => {
    const dave = await userWithBrowser("dave");
    const id = randomUUID();
    await dave.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "starting" });
    await dave.user.reportPresence.mutate({ agent_instance_id: id, visible: true, client_id: "tab-1" });
    await ask(dave.agent, id, "Watched question?");
    const watched = await dave.logOf(id, (e) => e.length >= 1);
    expect(watched).toEqual([
      expect.objectContaining({ outcome: "suppressed", reason: "the user is watching this instance in the dashboard" }),
    ]);

    await dave.user.reportPresence.mutate({ agent_instance_id: id, visible: false, client_id: "tab-1" });
    await ask(dave.agent, id, "Unwatched question?");
    await dave.logOf(id, (e) => e.some((entry) => entry.outcome === "sent"));
    expect(await dave.waitForPushes(1)).toEqual([expect.objectContaining({ body: "Unwatched question?", count: "1" })]);
  });

  test("within the rate-limit window later notifications collapse into one, with a count", async () => {
    const erin = await userWithBrowser("erin");
    const id = randomUUID();
    await ask(erin.agent, id, "First?");
    await erin.waitForPushes(1);
    await ask(erin.agent, id, "Second?");
    await ask(erin.agent, id, "Third?\nmore detail");
    const pushes = await erin.waitForPushes(2, WINDOW_SECONDS * 1000 + 20_000);
    expect(pushes).toEqual([
      expect.objectContaining({ body: "First?", count: "1" }),
      expect.objectContaining({ body: "Third? (+1 more)", count: "2" }),
    ]);
    const jobs = await jobsOf(id);
    expect(jobs.map((job) => `${job.state}:${job.count}`).sort()).toEqual(["collapsed:1", "planned:1", "planned:2"]);
    const entries = await erin.logOf(id, (e) => e.length >= 2);
    expect(entries.map((e) => e.outcome)).toEqual(["sent", "sent"]);
  }, 60_000);

  test("a session that completes notifies once, however often it is ended; a failed one says so", async () => {
    const frank = await userWithBrowser("frank");
    const done = randomUUID();
    await frank.agent.sendMessage.mutate({
      agent_instance_id: done,
      agent_type: "goose",
      content: "working",
      name: "Fix login",
    });
    await frank.agent.endSession.mutate({ agent_instance_id: done, status: "COMPLETED" });
    await frank.agent.endSession.mutate({ agent_instance_id: done, status: "COMPLETED" });
    expect(await jobsOf(done)).toHaveLength(1);
    const failed = randomUUID();
    await frank.agent.sendMessage.mutate({ agent_instance_id: failed, agent_type: "goose", content: "working" });
    await frank.agent.endSession.mutate({ agent_instance_id: failed, status: "FAILED" });
    const pushes = await frank.waitForPushes(2);
    expect(pushes.map((p) => `${p.title} / ${p.body}`).sort()).toEqual([
      "Goose completed its session / Fix login",
      "Goose failed / Open Omnara to see it.",
    ]);
  });

  test("quiet hours hold back push", async () => {
    const gina = await userWithBrowser("gina");
    const clock = (offsetHours: number) => new Date(Date.now() + offsetHours * 3600_000).toISOString().slice(11, 16);
    await gina.user.updateNotificationSettings.mutate({
      quiet_hours: { enabled: true, start: clock(-1), end: clock(1), time_zone: "UTC" },
    });
    const id = randomUUID();
    await ask(gina.agent, id, "3 a.m. question");
    const [entry] = await gina.logOf(id, (e) => e.length >= 1);
    expect(entry).toMatchObject({
      outcome: "suppressed",
      reason: expect.stringMatching(/^quiet hours \(\d\d:\d\d–\d\d:\d\d UTC\)$/),
    });
    expect(gina.received()).toEqual([]);
  });

  test("a transient push failure is retried with backoff and then delivered", async () => {
    const hank = await userWithBrowser("hank");
    let failures = 1;
    const previous = push.respond;
    push.respond = (receipt) => {
      if (hank.browser.subscription.endpoint.endsWith(receipt.path) && failures > 0) {
        failures -= 1;
        return 503;
      }
      return previous(receipt);
    };
    const id = randomUUID();
    await ask(hank.agent, id, "Retry me?");
    const entries = await hank.logOf(id, (e) => e.some((entry) => entry.outcome === "sent"));
    expect(entries.map((e) => [e.outcome, e.attempt, e.will_retry])).toEqual([
      ["sent", 2, false],
      ["failed", 1, true],
    ]);
    push.respond = previous;
  });

  test("a restart between storing the question and sending it still sends it, once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "omnara-restart-"));
    const database = await createTestDatabase(kind);
    // The first process stores and queues but sends nothing, like one killed right after the commit.
    const first = await startNotifyServer(kind, {
      dataDir,
      persistent: true,
      database,
      notifications: { dispatch: false },
    });
    const ivy = await newUserWithKey(first.url, "ivy");
    const browser = push.browser(`ivy-${randomUUID()}`);
    await ivy.user.registerNotificationDevice.mutate({ channel: "web_push", subscription: browser.subscription });
    const id = randomUUID();
    await ask(ivy.agent, id, "Still there after the restart?");
    await first.close();

    const second = await startNotifyServer(kind, {
      dataDir,
      persistent: true,
      database,
      notifications: { providers: providers() },
    });
    try {
      const sent = await second.until(async () => {
        const rows = await second.database.db
          .select()
          .from(schema.notificationLog)
          .where(eq(schema.notificationLog.agentInstanceId, id));
        return rows.some((row) => row.outcome === "sent") ? rows : undefined;
      });
      expect(sent.map((row) => row.outcome)).toEqual(["sent"]);
      const mine = (receipt: { path: string }) => browser.subscription.endpoint.endsWith(receipt.path);
      const [receipt] = await push.inbox.waitFor(1, undefined, mine);
      expect(JSON.parse(browser.decrypt(receipt?.body ?? Buffer.alloc(0)))).toMatchObject({
        body: "Still there after the restart?",
      });
      second.notifications?.wake();
      await second.notifications?.idle();
      expect(push.inbox.items.filter(mine)).toHaveLength(1);
    } finally {
      await second.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
