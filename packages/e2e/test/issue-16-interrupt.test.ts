import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InterruptedError, Omnara } from "@omnara/sdk";
import {
  describeEachDatabase,
  eventually,
  newUserWithKey,
  rest,
  startTestServer,
  type TestServer,
} from "@omnara/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, test } from "vitest";

type Member = Awaited<ReturnType<typeof newUserWithKey>>;
const ROUNDS = 100;

/**
 * Issue 16: the user's interrupt and stop reach every kind of agent as documented (REST, SDK,
 * MCP), and a message sent while the agent works is queued, cancellable, then delivered.
 */
describeEachDatabase("interrupt, stop and queued messages", (kind) => {
  let server: TestServer;
  let a: Member;
  beforeAll(async () => {
    server = await startTestServer(kind);
    a = await newUserWithKey(server.url, "steer");
  });
  afterAll(() => server.close());

  async function working(): Promise<{ id: string; stepId: string }> {
    const id = randomUUID();
    const step = await a.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "steered", content: "Working" });
    return { id, stepId: step.message_id };
  }

  test("REST: a wait answers status interrupted, the control wait answers interrupt then stop", async () => {
    const { id, stepId } = await working();
    const wait = rest(
      server.url,
      "GET",
      `/api/v1/messages/wait?agent_instance_id=${id}&after_message_id=${stepId}&timeout_seconds=30`,
      { token: a.apiKey },
    );
    await eventually("the wait beats", async () =>
      (await a.user.getInstance.query({ agent_instance_id: id })).last_heartbeat_at ? true : undefined,
    );
    const asked = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/interrupt`, {
      token: a.sessionToken,
    });
    expect(asked.status).toBe(200);
    const answered = await wait;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: "interrupted", messages: [] });

    // Taken once: the control wait hears the next interrupt, not this one again.
    const control = rest(server.url, "GET", `/api/v1/agent-instances/${id}/control?timeout_seconds=30`, {
      token: a.apiKey,
    });
    await a.user.interruptInstance.mutate({ agent_instance_id: id });
    expect((await control).body).toEqual({ agent_instance_id: id, control: "interrupt" });
    const idle = await rest(server.url, "GET", `/api/v1/agent-instances/${id}/control?timeout_seconds=0`, {
      token: a.apiKey,
    });
    expect(idle.body["control"]).toBe("none");

    const stopped = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/stop`, { token: a.sessionToken });
    expect(stopped.body["status"]).toBe("COMPLETED");
    const after = await rest(server.url, "GET", `/api/v1/agent-instances/${id}/control?timeout_seconds=30`, {
      token: a.apiKey,
    });
    expect(after.body["control"]).toBe("stop");
    // Both decisions are in the owner's audit, who made them and on what.
    const audit = (await a.user.listAudit.query({})).entries.filter((e) => e.target_id === id);
    expect(audit.map((e) => e.action).sort()).toEqual(["instance.interrupt", "instance.interrupt", "instance.stop"]);
    // A finished session has no turn to interrupt.
    const late = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/interrupt`, { token: a.sessionToken });
    expect(late.status).toBe(409);
  });

  test("REST: the next message answers interrupted: true, once", async () => {
    const { id } = await working();
    await a.user.interruptInstance.mutate({ agent_instance_id: id });
    const first = await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "step" });
    expect(first.interrupted).toBe(true);
    const second = await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "step" });
    expect(second.interrupted).toBeUndefined();
  });

  test("SDK: the interrupt event, session.signal and ask resolving interrupted; stop ends the session", async () => {
    const omnara = new Omnara({ apiKey: a.apiKey, baseUrl: server.url, retry: false });
    const session = await omnara.session({ agentType: "sdk steered", watchControl: true });
    const heard: string[] = [];
    session.on("interrupt", () => heard.push("interrupt"));
    session.on("stop", () => heard.push("stop"));
    await session.log("Working on it");

    // Busy, calling nothing: the watch hears it; this turn's signal aborts, the next is fresh.
    const turn = session.signal;
    await a.user.interruptInstance.mutate({ agent_instance_id: session.id });
    await eventually("the interrupt heard", async () => (heard.length === 1 ? true : undefined));
    expect(turn.aborted).toBe(true);
    expect(turn.reason).toBeInstanceOf(InterruptedError);
    expect(session.signal.aborted).toBe(false);

    // Waiting on a question: ask resolves interrupted.
    const asking = session.ask("Which branch?");
    await eventually("the question", async () =>
      (await a.user.getInstance.query({ agent_instance_id: session.id })).status === "AWAITING_INPUT"
        ? true
        : undefined,
    );
    await a.user.interruptInstance.mutate({ agent_instance_id: session.id });
    const answer = await asking;
    expect(answer).toMatchObject({ interrupted: true, text: "", messages: [] });
    expect(heard).toEqual(["interrupt", "interrupt"]);

    const next = session.signal;
    await a.user.stopInstance.mutate({ agent_instance_id: session.id });
    await eventually("the stop heard", async () => (heard.includes("stop") ? true : undefined));
    expect(next.aborted).toBe(true);
    await expect(session.log("more")).rejects.toMatchObject({ code: "SESSION_CLOSED" });
  });

  test("MCP (official client): ask_question answers status interrupted; log_step tells the model", async () => {
    const client = new Client({ name: "interrupt-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${a.apiKey}` } },
      }),
    );
    try {
      const started = await client.callTool({ name: "log_step", arguments: { step_description: "Reading code" } });
      const id = String((started.structuredContent as { agent_instance_id: string }).agent_instance_id);
      const asking = client.callTool({
        name: "ask_question",
        arguments: { agent_instance_id: id, question_text: "Proceed?" },
      });
      await eventually("the question", async () =>
        (await a.user.getInstance.query({ agent_instance_id: id })).status === "AWAITING_INPUT" ? true : undefined,
      );
      await a.user.interruptInstance.mutate({ agent_instance_id: id });
      const asked = await asking;
      expect(asked.isError).toBeFalsy();
      expect(asked.structuredContent).toMatchObject({ status: "interrupted", answer: null });
      expect(JSON.stringify(asked.content)).toContain("interrupted");

      await a.user.interruptInstance.mutate({ agent_instance_id: id });
      const step = await client.callTool({ name: "log_step", arguments: { step_description: "Editing" } });
      expect(step.structuredContent).toMatchObject({ interrupted: true });
      const feedback = (step.structuredContent as { user_feedback: string[] }).user_feedback;
      expect(feedback.at(-1)).toMatch(/interrupted you .*ask_question/);
    } finally {
      await client.close();
    }
  });

  test("a reply sent while working shows queued, can be cancelled, else shows delivered", async () => {
    const { id } = await working();
    const kept = await a.user.reply.mutate({ agent_instance_id: id, content: "also do the docs" });
    const withdrawn = await a.user.reply.mutate({ agent_instance_id: id, content: "never mind this" });
    const delivery = async () =>
      Object.fromEntries(
        (await a.user.listMessages.query({ agent_instance_id: id })).messages
          .filter((m) => m.sender_type === "USER")
          .map((m) => [m.content, m.delivery]),
      );
    expect(await delivery()).toEqual({ "also do the docs": "queued", "never mind this": "queued" });
    const cancelled = await a.user.cancelQueuedMessage.mutate({ agent_instance_id: id, message_id: withdrawn.id });
    expect(cancelled.delivery).toBe("cancelled");
    const step = await a.agent.sendMessage.mutate({ agent_instance_id: id, content: "next step" });
    expect(step.queued_user_messages.map((m) => m.content)).toEqual(["also do the docs"]);
    expect(await delivery()).toEqual({ "also do the docs": "delivered", "never mind this": "cancelled" });
    // Delivered is final: too late to cancel.
    await expect(
      a.user.cancelQueuedMessage.mutate({ agent_instance_id: id, message_id: kept.id }),
    ).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    const rested = await rest(server.url, "DELETE", `/api/v1/agent-instances/${id}/messages/${kept.id}`, {
      token: a.sessionToken,
    });
    expect(rested.status).toBe(409);
  });

  test(`an interrupt racing a reply: each is handed out once, neither lost (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id, stepId } = await working();
      // The reply or the interrupt wakes it at once; 20 s only keeps a loaded machine from
      // timing it out first (a timeout, not a wake, then failed the round).
      const wait = { agent_instance_id: id, after_message_id: stepId, timeout_seconds: 20 };
      const [first] = await Promise.all([
        a.agent.waitForReply.query(wait),
        a.user.reply.mutate({ agent_instance_id: id, content: `reply ${round}` }),
        a.user.interruptInstance.mutate({ agent_instance_id: id }),
      ]);
      // Replies come first: a wait that finds one answers it and leaves the interrupt for the
      // agent's next control read (or message).
      const second = await a.agent.waitForReply.query({ ...wait, timeout_seconds: 0 });
      const control = await a.agent.waitForControl.query({ agent_instance_id: id, timeout_seconds: 0 });
      const again = await a.agent.waitForControl.query({ agent_instance_id: id, timeout_seconds: 0 });
      const heard = [first.status === "interrupted", control.control === "interrupt", again.control === "interrupt"];
      expect({ round, heard: heard.filter(Boolean).length }).toEqual({ round, heard: 1 });
      expect(second.status).toBe("replied");
      expect(second.messages.map((m) => m.content)).toEqual([`reply ${round}`]);
      if (first.status === "replied") expect(first.messages.map((m) => m.content)).toEqual([`reply ${round}`]);
      else expect(first.status).toBe("interrupted");
    }
  }, 240_000);

  test(`a cancel racing the agent's next step (the one-statement path): handed over exactly when the cancel is refused (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id } = await working();
      const sent = await a.user.reply.mutate({ agent_instance_id: id, content: `maybe ${round}` });
      const [step, cancel] = await Promise.all([
        a.agent.sendMessage.mutate({ agent_instance_id: id, content: `step ${round}` }),
        a.user.cancelQueuedMessage.mutate({ agent_instance_id: id, message_id: sent.id }).then(
          () => "cancelled" as const,
          (error: unknown) => {
            if (error instanceof TRPCClientError && error.data?.code === "CONFLICT") return "refused" as const;
            throw error;
          },
        ),
      ]);
      const got = step.queued_user_messages.some((m) => m.id === sent.id);
      expect({ round, got, cancel }).toEqual({ round, got: cancel === "refused", cancel });
    }
  }, 240_000);

  test(`a cancel racing the wait that delivers: the agent gets the reply exactly when the cancel is refused (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id, stepId } = await working();
      const sent = await a.user.reply.mutate({ agent_instance_id: id, content: `maybe ${round}` });
      const [read, cancel] = await Promise.all([
        a.agent.waitForReply.query({ agent_instance_id: id, after_message_id: stepId, timeout_seconds: 0 }),
        a.user.cancelQueuedMessage.mutate({ agent_instance_id: id, message_id: sent.id }).then(
          () => "cancelled" as const,
          (error: unknown) => {
            if (error instanceof TRPCClientError && error.data?.code === "CONFLICT") return "refused" as const;
            throw error;
          },
        ),
      ]);
      const got = read.messages.some((m) => m.id === sent.id);
      expect({ round, got, cancel }).toEqual({ round, got: cancel === "refused", cancel });
      const shown = (await a.user.listMessages.query({ agent_instance_id: id })).messages.find((m) => m.id === sent.id);
      expect(shown?.delivery).toBe(got ? "delivered" : "cancelled");
    }
  }, 240_000);
});
