import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, test } from "vitest";
import { z } from "zod";
import { type CliProcess, runCli, startCli } from "./cli-process.ts";
import { isolatedEnv } from "./test-env.ts";

/** A line-delimited JSON-RPC client on the process's stdio, initialized as an MCP client. */
async function mcpSession(mcp: CliProcess) {
  let lastId = 0;
  const responseTo = (id: number): unknown =>
    mcp
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line): unknown => JSON.parse(line))
      .find((message) => JsonRpcResponse.safeParse(message).data?.id === id);
  const request = async (method: string, params: object = {}): Promise<unknown> => {
    lastId += 1;
    const id = lastId;
    mcp.child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    await mcp.waitForOutput(new RegExp(`"id":${id}\\b`));
    return responseTo(id);
  };
  await request("initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "cli-test", version: "1" },
  });
  mcp.child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
  return { request };
}

const JsonRpcResponse = z.object({ id: z.number() });
const StepResult = z.object({ result: z.object({ structuredContent: z.object({ agent_instance_id: z.string() }) }) });
const instanceIdOf = (response: unknown): string =>
  StepResult.parse(response).result.structuredContent.agent_instance_id;

test("omnara mcp serves Omnara's tools over stdio and exits when the client closes", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  const mcp = startCli(["--api-key", alice.apiKey, "--base-url", server.url, "mcp"], isolatedEnv().env);
  const send = (message: object) => mcp.child.stdin?.write(`${JSON.stringify(message)}\n`);
  send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "cli-test", version: "1" } },
  });
  await mcp.waitForOutput(/"id":1/);
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
  send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
  await mcp.waitForOutput(/"id":2/);
  expect(mcp.stdout()).toContain("ask_question");
  mcp.child.stdin?.end();
  expect(await mcp.exited).toBe(0);
});

test("omnara mcp takes every flag after `mcp`, as the MCP README writes them", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  const args = ["mcp", "--api-key", alice.apiKey, "--base-url", server.url, "--permission-tool"];
  const mcp = startCli([...args, "--client-type", "my-bot", "--wait-round-seconds", "2"], isolatedEnv().env);
  const session = await mcpSession(mcp);
  const listed = await session.request("tools/list");
  expect(JSON.stringify(listed)).toContain('"approve"');
  const step = await session.request("tools/call", { name: "log_step", arguments: { step_description: "Reading" } });
  const detail = await alice.user.getInstance.query({ agent_instance_id: instanceIdOf(step) });
  expect(detail.agent_type_name).toBe("my-bot");
  mcp.child.stdin?.end();
  expect(await mcp.exited).toBe(0);
});

test("omnara mcp falls back to OMNARA_CLIENT_TYPE and to the key and server `omnara login` stored", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  const { env, home } = isolatedEnv({ OMNARA_CLIENT_TYPE: "env-bot" });
  mkdirSync(join(home, ".omnara"), { recursive: true });
  writeFileSync(
    join(home, ".omnara", "credentials.json"),
    JSON.stringify({ api_key: alice.apiKey, base_url: server.url }),
  );
  const mcp = startCli(["mcp"], env);
  const session = await mcpSession(mcp);
  const step = await session.request("tools/call", { name: "log_step", arguments: { step_description: "Reading" } });
  const detail = await alice.user.getInstance.query({ agent_instance_id: instanceIdOf(step) });
  expect(detail.agent_type_name).toBe("env-bot");
  mcp.child.stdin?.end();
  expect(await mcp.exited).toBe(0);
});

test("omnara mcp refuses a bad --wait-round-seconds before it starts", async () => {
  const result = await runCli(["mcp", "--api-key", "k", "--wait-round-seconds", "0"], isolatedEnv().env);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("--wait-round-seconds must be a whole number from 1 to");
  expect(result.stdout).toBe("");
});

test("omnara mcp answers malformed tool calls with JSON-RPC -32602 and the field paths, as the HTTP endpoint does", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  const mcp = startCli(["--api-key", alice.apiKey, "--base-url", server.url, "mcp"], isolatedEnv().env);
  const session = await mcpSession(mcp);
  const nullArgs = await session.request("tools/call", { name: "log_step", arguments: null });
  expect(nullArgs).toMatchObject({
    jsonrpc: "2.0",
    error: { code: -32602, data: { issues: [{ path: "params.arguments" }] } },
  });
  expect(JSON.stringify(nullArgs)).not.toMatch(/invalid_type|"expected"/);
  const numberName = await session.request("tools/call", { name: 7, arguments: {} });
  expect(numberName).toMatchObject({ error: { code: -32602, data: { issues: [{ path: "params.name" }] } } });
  // Bad tool arguments are the tool's error, with the field named, as the model needs it.
  const badField = await session.request("tools/call", { name: "log_step", arguments: { step_description: 5 } });
  expect(badField).toMatchObject({ result: { isError: true } });
  expect(JSON.stringify(badField)).toMatch(/step_description/);
  expect(JSON.stringify(badField)).not.toMatch(/-32603|invalid_type/);
  // The session goes on: a good call after the bad ones works.
  const step = await session.request("tools/call", { name: "log_step", arguments: { step_description: "Reading" } });
  expect(instanceIdOf(step)).toEqual(expect.any(String));
  mcp.child.stdin?.end();
  expect(await mcp.exited).toBe(0);
});
