import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { limits } from "@omnara/contracts";
import { describeEachDatabase, newUserWithKey, rest, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { jsonRpcMessage, openMcpSession, toolCall } from "./fuzz/surfaces.ts";

describeEachDatabase("input rules: unstorable text, encodings, paths, depth, event ids, JSON-RPC", (kind) => {
  let server: TestServer;
  let alice: Awaited<ReturnType<typeof newUserWithKey>>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    alice = await newUserWithKey(server.url, "alice");
  });
  afterAll(() => server.close());

  const send = (body: unknown) => rest(server.url, "POST", "/api/v1/messages/agent", { token: alice.apiKey, body });

  test("NUL and lone surrogates are stored as U+FFFD, in text, names and metadata keys and values", async () => {
    const id = randomUUID();
    const sent = await send({
      agent_instance_id: id,
      agent_type: "claude\u0000code",
      name: "half \ud800",
      content: "$ make\u0000\r\n\u001b[31mfailed\u001b[0m \udc00 🙂",
      message_metadata: { "k\u0000": ["\ud800", { v: "\u0000" }] },
    });
    expect(sent.status).toBe(200);
    const detail = await alice.user.getInstance.query({ agent_instance_id: id });
    expect(detail.name).toBe("half \ufffd");
    expect(detail.agent_type_name).toBe("claude\ufffdcode");
    expect(detail.messages[0]?.content).toBe("$ make\ufffd\r\n\u001b[31mfailed\u001b[0m \ufffd 🙂");
    expect(detail.messages[0]?.message_metadata).toEqual({ "k\ufffd": ["\ufffd", { v: "\ufffd" }] });
    const reply = await alice.user.reply.mutate({ agent_instance_id: id, content: "ok\u0000" });
    expect(reply.content).toBe("ok\ufffd");
    expect(server.loggedErrors).toEqual([]);
  });

  test("non-UTF-8 charsets and compressed bodies are 415 on REST, tRPC and MCP, and store nothing", async () => {
    const id = randomUUID();
    const body = JSON.stringify({ agent_instance_id: id, agent_type: "x", content: "hi" });
    const variants: Record<string, string>[] = [
      { "content-type": "application/json; charset=latin1" },
      { "content-type": "application/json; charset=utf-16" },
      { "content-type": "application/json", "content-encoding": "gzip" },
      { "content-type": "application/json", "content-encoding": "br" },
    ];
    for (const headers of variants) {
      const compressed = headers["content-encoding"] === "gzip" ? gzipSync(body) : body;
      for (const path of ["/api/v1/messages/agent", "/api/trpc/agent/sendMessage", "/mcp"]) {
        const res = await fetch(`${server.url}${path}`, {
          method: "POST",
          headers: {
            ...headers,
            authorization: `Bearer ${alice.apiKey}`,
            accept: "application/json, text/event-stream",
          },
          body: compressed,
        });
        const text = await res.text();
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(415);
        expect(text).toMatch(/UTF-8|uncompressed/);
        if (path === "/api/v1/messages/agent") {
          expect(JSON.parse(text)).toMatchObject({
            error: { code: "UNSUPPORTED_MEDIA_TYPE" },
            detail: expect.stringMatching(/UTF-8|uncompressed/),
          });
        }
      }
    }
    expect((await alice.user.listInstances.query({})).instances.map((i) => i.id)).not.toContain(id);
    // utf-8 spelled any way is fine.
    const ok = await fetch(`${server.url}/api/v1/messages/agent`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=UTF-8", authorization: `Bearer ${alice.apiKey}` },
      body,
    });
    expect(ok.status).toBe(200);
  });

  test("a path that is not %-encoded UTF-8 is a 400 in the usual error shape", async () => {
    for (const raw of ["%", "%zz", "%ED%A0%80", "%C0%80", "%FF"]) {
      const res = await rest(server.url, "GET", `/api/v1/agent-instances/${raw}`, { token: alice.sessionToken });
      expect(res.status, raw).toBe(400);
      expect(res.body).toMatchObject({ error: { code: "BAD_REQUEST" }, detail: expect.stringMatching(/%-encoded/) });
    }
  });

  test(`input nested deeper than ${limits.inputDepth} levels is a 400 naming where, on REST and tRPC`, async () => {
    // Written as text: JSON.stringify itself overflows the stack on 5 000 levels.
    const deep = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    const id = randomUUID();
    const res = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: alice.apiKey,
      rawBody: `{"agent_instance_id":"${id}","agent_type":"x","content":"hi","message_metadata":${deep}}`,
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(new RegExp(`nested deeper than ${limits.inputDepth} levels`));
    expect(res.body.error?.issues?.[0]?.path).toMatch(/^message_metadata(\.a)+$/);
    const trpc = await fetch(`${server.url}/api/trpc/agent/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${alice.apiKey}` },
      body: `{"agent_instance_id":"${id}","agent_type":"x","content":"hi","message_metadata":{"d":${deep}}}`,
    });
    expect(trpc.status).toBe(400);
    expect(await trpc.json()).toMatchObject({
      error: { data: { code: "BAD_REQUEST", issues: [{ path: expect.stringMatching(/^message_metadata\.d\.a/) }] } },
    });
    // Just inside the bound is accepted: input level 1, metadata 2, and 29 more levels of objects.
    let fits: unknown = 1;
    for (let i = 0; i < limits.inputDepth - 3; i += 1) fits = { a: fits };
    expect(
      (await send({ agent_instance_id: id, agent_type: "x", content: "hi", message_metadata: { d: fits } })).status,
    ).toBe(200);
    expect(server.loggedErrors).toEqual([]);
  });

  test("an absurd SSE lastEventId is refused as a 400 (in the stream, as tRPC reports stream errors), never internal", async () => {
    for (const lastEventId of ["99999999999999999999999", "-1", "1e5", "1\u0000"]) {
      const input = encodeURIComponent(JSON.stringify({ lastEventId }));
      const res = await fetch(`${server.url}/api/trpc/user/events?input=${input}`, {
        headers: { authorization: `Bearer ${alice.sessionToken}`, accept: "text/event-stream" },
      });
      const events = (await res.text()).split("\n\n").filter((event) => event.includes("data:"));
      const last = events.at(-1)?.trim() ?? "";
      expect(last, lastEventId).toMatch(/^event: serialized-error/);
      expect(JSON.parse(last.slice(last.indexOf("data:") + 5))).toMatchObject({
        data: { code: "BAD_REQUEST", httpStatus: 400, issues: [{ path: "lastEventId" }] },
      });
      expect(events.some((event) => event.includes('"type"'))).toBe(false);
    }
    expect(server.loggedErrors).toEqual([]);
  });

  test("MCP calls with malformed params are JSON-RPC -32602 errors with field paths, not zod dumps", async () => {
    const session = await openMcpSession(server.url, alice.apiKey);
    const call = async (message: unknown) => {
      const res = await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers: session.headers,
        body: JSON.stringify(message),
      });
      return { status: res.status, message: jsonRpcMessage(await res.text()) };
    };
    const nullArgs = await call(toolCall(session, "log_step", null));
    expect(nullArgs.message).toMatchObject({
      jsonrpc: "2.0",
      error: { code: -32602, data: { issues: [{ path: "params.arguments" }] } },
    });
    expect(JSON.stringify(nullArgs.message)).not.toMatch(/invalid_type|"expected"/);
    const numberName = await call({ jsonrpc: "2.0", id: 99, method: "tools/call", params: { name: 7, arguments: {} } });
    expect(numberName.message).toMatchObject({
      id: 99,
      error: { code: -32602, data: { issues: [{ path: "params.name" }] } },
    });
    // Bad tool arguments are the tool's error, with the field named, as the model needs it.
    const badField = await call(toolCall(session, "log_step", { step_description: 5 }));
    expect(JSON.stringify(badField.message)).toMatch(/step_description/);
    expect(JSON.stringify(badField.message)).not.toMatch(/-32603/);
  });
});
