import { randomUUID } from "node:crypto";
import { agentOperations } from "@omnara/contracts";
import {
  busSubscriptions,
  describeEachDatabase,
  eventually,
  instanceTopic,
  LIVE_WITHIN_MS,
  newUserWithKey,
  startTestServer,
  type TestServer,
} from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connectMcp, transportNames } from "./support/mcp-clients.ts";
import { instanceIdOf, progressWatcher, textOf } from "./support/tool-results.ts";

/** Straight from the registry, not from the MCP package: the list must follow the contracts. */
const contractTools = Object.values(agentOperations).flatMap((op) => (op.mcp ? [op.mcp.tool] : []));

describeEachDatabase("MCP server", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  describe.each(transportNames)("over %s", (transport) => {
    test("lists exactly the tools the contracts mark for MCP, described by the contracts", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      await using mcp = await connectMcp(transport, server.url, alice.apiKey);
      const { tools } = await mcp.client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual([...contractTools].sort());
      expect(contractTools).toEqual(expect.arrayContaining(["log_step", "ask_question", "end_session"]));
      const askQuestion = tools.find((tool) => tool.name === "ask_question");
      expect(askQuestion?.description).toBe(agentOperations.askQuestion.description);
      // Filled in by the server, never asked of the model.
      expect(Object.keys(askQuestion?.inputSchema.properties ?? {}).sort()).toEqual([
        "agent_instance_id",
        "question_id",
        "question_text",
      ]);
      expect(askQuestion?.inputSchema.required).toEqual(["agent_instance_id", "question_text"]);

      await using withApprove = await connectMcp(transport, server.url, alice.apiKey, { permissionTool: true });
      const listed = await withApprove.client.listTools();
      expect(listed.tools.map((tool) => tool.name).sort()).toEqual([...contractTools, "approve"].sort());
    });

    test("log_step, then ask_question while the user answers: the tool returns the answer, with progress", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      await using mcp = await connectMcp(transport, server.url, alice.apiKey, { clientName: "claude-code" });

      const first = await mcp.client.callTool({
        name: "log_step",
        arguments: { step_description: "Reading the code" },
      });
      expect(first.isError).toBeFalsy();
      expect(first.structuredContent).toMatchObject({ success: true, step_number: 1, user_feedback: [] });
      expect(JSON.parse(textOf(first))).toEqual(first.structuredContent);
      const id = instanceIdOf(first);

      const detail = await alice.user.getInstance.query({ agent_instance_id: id });
      expect(detail.agent_type_name).toBe("claude-code");

      await alice.user.reply.mutate({ agent_instance_id: id, content: "Use the new API" });
      const second = await mcp.client.callTool({
        name: "log_step",
        arguments: { agent_instance_id: id, step_description: "Editing" },
      });
      expect(second.structuredContent).toMatchObject({
        agent_instance_id: id,
        step_number: 2,
        user_feedback: ["Use the new API"],
      });

      const progress = progressWatcher();
      const asking = mcp.client.callTool(
        { name: "ask_question", arguments: { agent_instance_id: id, question_text: "Ship it? [YES/NO]" } },
        undefined,
        { onprogress: progress.onprogress, resetTimeoutOnProgress: true },
      );
      await progress.first;
      expect((await alice.user.getInstance.query({ agent_instance_id: id })).status).toBe("AWAITING_INPUT");
      await alice.user.reply.mutate({ agent_instance_id: id, content: "YES" });
      const answered = await asking;
      expect(answered.isError).toBeFalsy();
      expect(answered.structuredContent).toMatchObject({ status: "answered", agent_instance_id: id, answer: "YES" });
      expect(progress.seen[0]?.message).toMatch(/Waiting for the user/);

      const ended = await mcp.client.callTool({ name: "end_session", arguments: { agent_instance_id: id } });
      expect(ended.structuredContent).toEqual({ success: true, agent_instance_id: id, final_status: "COMPLETED" });
      expect((await alice.user.getInstance.query({ agent_instance_id: id })).status).toBe("COMPLETED");
    });

    test("ask_question answers status ended at once when the user marks the session completed", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      await using mcp = await connectMcp(transport, server.url, alice.apiKey);
      const step = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "Start" } });
      const id = instanceIdOf(step);
      const progress = progressWatcher();
      const asking = mcp.client.callTool(
        { name: "ask_question", arguments: { agent_instance_id: id, question_text: "Merge?" } },
        undefined,
        { onprogress: progress.onprogress, resetTimeoutOnProgress: true },
      );
      await eventually(
        "the question",
        async () => (await alice.user.getInstance.query({ agent_instance_id: id })).status === "AWAITING_INPUT",
      );
      const started = Date.now();
      await alice.user.markCompleted.mutate({ agent_instance_id: id });
      const ended = await asking;
      // Ended by the completion's event, not by the 30 s re-check or the round's end.
      expect(Date.now() - started).toBeLessThan(LIVE_WITHIN_MS);
      expect(ended.isError).toBeFalsy();
      expect(ended.structuredContent).toMatchObject({ status: "ended", agent_instance_id: id, answer: null });
    });

    test("cancelling ask_question ends the wait on the server; a later answer reaches the agent as feedback", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      await using mcp = await connectMcp(transport, server.url, alice.apiKey);
      const step = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "Start" } });
      const id = instanceIdOf(step);

      // A waiting agent subscribes to its instance's topic: count those to see the server-side wait
      // begin and end (the call's credential watch subscribes to the user's topic and is not counted).
      const waiting = () => busSubscriptions(server.deps.bus, instanceTopic(id));
      waiting(); // counted from here on
      const abort = new AbortController();
      const progress = progressWatcher();
      const asking = mcp.client.callTool(
        { name: "ask_question", arguments: { agent_instance_id: id, question_text: "Which database?" } },
        undefined,
        { signal: abort.signal, onprogress: progress.onprogress },
      );
      await progress.first;
      await eventually("the server-side wait", () => waiting() > 0);
      abort.abort("changed my mind");
      await expect(asking).rejects.toThrow();
      await eventually("the server-side wait to end", () => waiting() === 0);
      await alice.user.reply.mutate({ agent_instance_id: id, content: "Postgres" });
      const next = await mcp.client.callTool({
        name: "log_step",
        arguments: { agent_instance_id: id, step_description: "Go on" },
      });
      expect(next.structuredContent).toMatchObject({ user_feedback: ["Postgres"] });
    });

    test("approve: allow once, allow for the session (then auto-allowed), deny with the user's words", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      await using mcp = await connectMcp(transport, server.url, alice.apiKey, { permissionTool: true });
      const step = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "Start" } });
      const id = instanceIdOf(step);

      const approve = async (toolName: string, input: Record<string, unknown>, answer: string | undefined) => {
        const progress = progressWatcher();
        const call = mcp.client.callTool({ name: "approve", arguments: { tool_name: toolName, input } }, undefined, {
          onprogress: progress.onprogress,
        });
        if (answer !== undefined) {
          await progress.first;
          const detail = await alice.user.getInstance.query({ agent_instance_id: id });
          const question = detail.messages.at(-1);
          expect(question?.requires_user_input).toBe(true);
          expect(question?.content).toContain(`Allow ${toolName}?`);
          expect(question?.content).toContain("[OPTIONS]\n1. Yes\n2. Yes, and allow");
          await alice.user.reply.mutate({ agent_instance_id: id, content: answer });
        }
        const result = await call;
        expect(result.isError).toBeFalsy();
        return JSON.parse(textOf(result));
      };

      const edit = { file_path: "src/a.ts", old_string: "a", new_string: "b" };
      expect(await approve("Edit", edit, "1")).toEqual({ behavior: "allow", updatedInput: edit });

      const status = { command: "git status --short" };
      const session = "Yes, and allow Bash(git status:*) for the rest of this session";
      expect(await approve("Bash", status, session)).toEqual({ behavior: "allow", updatedInput: status });
      const messages = (await alice.user.getInstance.query({ agent_instance_id: id })).messages.length;
      const again = { command: "git status" };
      expect(await approve("Bash", again, undefined)).toEqual({ behavior: "allow", updatedInput: again });
      expect((await alice.user.getInstance.query({ agent_instance_id: id })).messages).toHaveLength(messages);

      expect(await approve("Bash", { command: "git push --force" }, "No, open a PR instead")).toEqual({
        behavior: "deny",
        message: "No, open a PR instead",
      });
      expect(await approve("Write", { file_path: "x" }, "3")).toMatchObject({ behavior: "deny" });
    });

    test("bad arguments give a tool error naming the field, and the server keeps serving", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      await using mcp = await connectMcp(transport, server.url, alice.apiKey);
      const wrongType = await mcp.client.callTool({ name: "log_step", arguments: { step_description: 42 } });
      expect(wrongType.isError).toBe(true);
      expect(textOf(wrongType)).toMatch(/step_description/);

      const missing = await mcp.client.callTool({ name: "ask_question", arguments: { question_text: "?" } });
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toMatch(/agent_instance_id/);

      const notUuid = await mcp.client.callTool({ name: "end_session", arguments: { agent_instance_id: "nope" } });
      expect(notUuid.isError).toBe(true);
      expect(textOf(notUuid)).toMatch(/agent_instance_id/);

      const unknown = await mcp.client.callTool({
        name: "end_session",
        arguments: { agent_instance_id: randomUUID() },
      });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(/^NOT_FOUND: /);

      const ok = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "still here" } });
      expect(ok.isError).toBeFalsy();
    });

    test("a revoked key is refused", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      await using mcp = await connectMcp(transport, server.url, alice.apiKey);
      const before = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "ok" } });
      expect(before.isError).toBeFalsy();
      await alice.user.revokeApiKey.mutate({ id: alice.apiKeyId });
      if (transport === "http") {
        const refused = { code: 401, message: expect.stringMatching(/revoked API key/) };
        await expect(
          mcp.client.callTool({ name: "log_step", arguments: { step_description: "no" } }),
        ).rejects.toMatchObject(refused);
        await expect(connectMcp(transport, server.url, alice.apiKey)).rejects.toMatchObject(refused);
      } else {
        const after = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "no" } });
        expect(after.isError).toBe(true);
        expect(textOf(after)).toMatch(/^UNAUTHORIZED: .*revoked/);
      }
    });
  });

  test("over stdio, an editor closing the session leaves its instance DISCONNECTED, an ended one COMPLETED", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const mcp = await connectMcp("stdio", server.url, alice.apiKey);
    const step = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "Working" } });
    const id = instanceIdOf(step);
    // The client closes stdin and waits for the process to exit.
    await mcp.close();
    expect((await alice.user.getInstance.query({ agent_instance_id: id })).status).toBe("DISCONNECTED");

    const again = await connectMcp("stdio", server.url, alice.apiKey);
    const done = await again.client.callTool({ name: "log_step", arguments: { step_description: "Finishing" } });
    const finished = instanceIdOf(done);
    await again.client.callTool({ name: "end_session", arguments: { agent_instance_id: finished } });
    await again.close();
    expect((await alice.user.getInstance.query({ agent_instance_id: finished })).status).toBe("COMPLETED");
  });

  test("POST /mcp without a key is a 401 with a Bearer challenge", async () => {
    const response = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});
