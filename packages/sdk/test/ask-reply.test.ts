import { OmnaraError, SessionEndedError, TimeoutError } from "@omnara/sdk";
import { describeEachDatabase, LIVE_WITHIN_MS, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { agentWithSdk, recordingFetch } from "./harness.ts";

describeEachDatabase("SDK sessions: ask, log, pending", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("ask resolves with the reply the moment it is stored (pushed, not polled)", async () => {
    const spy = recordingFetch();
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "Deploy bot", name: "release 1.2" });

    const waiting = spy.next("waitForReply");
    const asked = session.ask("Which environment?", { options: ["staging", "production"] });
    await waiting;
    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    expect(detail).toMatchObject({ status: "AWAITING_INPUT", name: "release 1.2", agent_type_name: "deploy bot" });
    expect(detail.messages.at(-1)?.content).toBe(
      "Which environment?\n\n[OPTIONS]\n1. staging\n2. production\n[/OPTIONS]",
    );

    const started = Date.now();
    const reply = await human.user.reply.mutate({ agent_instance_id: session.id, content: "2" });
    const answer = await asked;
    // One long poll is 50 s and the server's re-check 30 s: an answer within LIVE_WITHIN_MS can
    // only have been pushed.
    expect(Date.now() - started).toBeLessThan(LIVE_WITHIN_MS);
    expect(answer).toMatchObject({ text: "2", option: "production", isDefault: false });
    expect(answer.messages.map((m) => m.id)).toEqual([reply.id]);
    expect(spy.count("waitForReply")).toBe(1);

    expect(await session.end()).toBe("COMPLETED");
    expect((await human.user.getInstance.query({ agent_instance_id: session.id })).status).toBe("COMPLETED");
    await expect(session.log("after the end")).rejects.toMatchObject({ code: "SESSION_CLOSED" });
  });

  test("ask rejects with SessionEndedError at once when the user marks the session completed or deletes it", async () => {
    for (const end of ["markCompleted", "deleteInstance"] as const) {
      const spy = recordingFetch();
      const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
      const session = await omnara.session({ agentType: "bot" });
      const waiting = spy.next("waitForReply");
      const asked = session.ask("Deploy now?").catch((error: unknown) => error);
      await waiting;
      const started = Date.now();
      if (end === "markCompleted") await human.user.markCompleted.mutate({ agent_instance_id: session.id });
      else await human.user.deleteInstance.mutate({ agent_instance_id: session.id });
      const error = await asked;
      expect(Date.now() - started).toBeLessThan(LIVE_WITHIN_MS);
      expect(error).toBeInstanceOf(SessionEndedError);
      expect(error).toMatchObject({ code: "SESSION_ENDED", operation: "ask" });
      // The session is over for the SDK too: no heartbeat or message goes out any more.
      await expect(session.log("still there?")).rejects.toMatchObject({ code: "SESSION_CLOSED" });
    }
  });

  test("yes/no questions carry the [YES/NO] marker and map the reply", async () => {
    const spy = recordingFetch();
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    const waiting = spy.next("waitForReply");
    const asked = session.ask("Deploy now?", { options: "yes/no" });
    await waiting;
    await human.user.reply.mutate({ agent_instance_id: session.id, content: "Yes" });
    expect(await asked).toMatchObject({ text: "Yes", option: "yes" });
    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    expect(detail.messages.find((m) => m.requires_user_input)?.content).toBe("Deploy now? [YES/NO]");
  });

  test("log returns the replies queued since the last read, each once", async () => {
    const { human, omnara } = await agentWithSdk(server.url);
    const session = await omnara.session({ agentType: "bot" });
    const first = await session.log("Reading the repository", { gitDiff: "diff --git a/x b/x", metadata: { step: 1 } });
    expect(first.replies).toEqual([]);
    await human.user.reply.mutate({ agent_instance_id: session.id, content: "use the v2 API" });
    await human.user.reply.mutate({ agent_instance_id: session.id, content: "and skip tests" });
    const second = await session.log("Editing files");
    expect(second.replies.map((m) => m.content)).toEqual(["use the v2 API", "and skip tests"]);
    expect((await session.log("Done")).replies).toEqual([]);

    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    expect(detail.git_diff).toBe("diff --git a/x b/x");
    expect(detail.messages.find((m) => m.id === first.messageId)?.message_metadata).toEqual({ step: 1 });
  });

  test("pending returns unread replies once; replies that came before a question are kept for it", async () => {
    const spy = recordingFetch();
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    expect(await session.pending()).toEqual([]);
    await human.user.reply.mutate({ agent_instance_id: session.id, content: "early note" });
    const waiting = spy.next("waitForReply");
    const asked = session.ask("Continue?");
    await waiting;
    await human.user.reply.mutate({ agent_instance_id: session.id, content: "go on" });
    expect((await asked).text).toBe("go on");
    expect((await session.pending()).map((m) => m.content)).toEqual(["early note"]);
    await human.user.reply.mutate({ agent_instance_id: session.id, content: "one more thing" });
    expect((await session.pending()).map((m) => m.content)).toEqual(["one more thing"]);
    expect(await session.pending()).toEqual([]);
  });

  test("requestInput turns a logged step into a question and waits for its answer", async () => {
    const spy = recordingFetch();
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    const step = await session.log("Plan: drop the legacy table");
    const waiting = spy.next("waitForReply");
    const asked = session.requestInput(step.messageId);
    await waiting;
    expect((await human.user.getInstance.query({ agent_instance_id: session.id })).status).toBe("AWAITING_INPUT");
    await human.user.reply.mutate({ agent_instance_id: session.id, content: "approved" });
    expect(await asked).toMatchObject({ text: "approved", questionId: step.messageId });
  });

  test("timeout: a typed TimeoutError at the deadline, and the late reply is not lost", async () => {
    const { human, omnara } = await agentWithSdk(server.url);
    const session = await omnara.session({ agentType: "bot" });
    const started = Date.now();
    const error = await session.ask("Anyone there?", { timeoutMs: 300 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // Not the 50 s long poll's end: the SDK's own deadline.
    expect(elapsed).toBeLessThan(LIVE_WITHIN_MS);
    if (!(error instanceof TimeoutError) || !error.questionId) throw new Error("expected a questionId");

    await human.user.reply.mutate({ agent_instance_id: session.id, content: "sorry, here now" });
    const resumed = await session.requestInput(error.questionId, { timeoutMs: 2 * LIVE_WITHIN_MS });
    expect(resumed.text).toBe("sorry, here now");
  });

  test("timeout with defaultAnswer: resolves with the default and tells the dashboard", async () => {
    const { human, omnara } = await agentWithSdk(server.url);
    const session = await omnara.session({ agentType: "bot" });
    const answer = await session.ask("Run migrations?", { options: "yes/no", timeoutMs: 200, defaultAnswer: "no" });
    expect(answer).toMatchObject({ text: "no", option: "no", isDefault: true, messages: [] });
    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    expect(detail.status).toBe("ACTIVE");
    expect(detail.messages.at(-1)?.content).toContain("going on with the default answer: no");
  });

  test("abort: ask rejects with the signal's reason, and the reply still arrives later", async () => {
    const spy = recordingFetch();
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    const controller = new AbortController();
    const waiting = spy.next("waitForReply");
    const asked = session.ask("Proceed?", { signal: controller.signal });
    await waiting;
    const reason = new Error("user pressed Ctrl+C");
    controller.abort(reason);
    await expect(asked).rejects.toBe(reason);

    await human.user.reply.mutate({ agent_instance_id: session.id, content: "yes" });
    expect((await session.pending()).map((m) => m.content)).toEqual(["yes"]);
  });

  test("aborting the session's signal stops it: heartbeats end and calls are refused", async () => {
    const { omnara } = await agentWithSdk(server.url, { heartbeatIntervalMs: 60_000 });
    const controller = new AbortController();
    const session = await omnara.session({ agentType: "bot", signal: controller.signal });
    expect(session.heartbeating).toBe(true);
    controller.abort();
    expect(session.heartbeating).toBe(false);
    await expect(session.ask("still there?")).rejects.toBeInstanceOf(OmnaraError);
    await expect(session.ask("still there?")).rejects.toMatchObject({ code: "SESSION_CLOSED" });
  });

  test("resuming a session by instanceId continues the same instance", async () => {
    const { human, omnara } = await agentWithSdk(server.url);
    const first = await omnara.session({ agentType: "bot" });
    expect(first.resumed).toBe(false);
    await first.log("before the crash");
    await human.user.reply.mutate({ agent_instance_id: first.id, content: "queued while away" });
    const again = await omnara.session({ agentType: "bot", instanceId: first.id });
    expect(again).toMatchObject({ id: first.id, resumed: true });
    expect((await again.pending()).map((m) => m.content)).toEqual(["queued while away"]);
    await again.end({ status: "FAILED" });
    expect((await human.user.getInstance.query({ agent_instance_id: first.id })).status).toBe("FAILED");
    await first.end();
  });
});
