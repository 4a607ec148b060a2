import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, test } from "vitest";
import { z } from "zod";
import { omnaraBin } from "./cli-process.ts";
import { isolatedEnv } from "./test-env.ts";

/** A repository with one commit, in a fresh directory. */
function gitRepo(): { dir: string; git: (...args: string[]) => string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), "omnara-git-diff-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
    });
  git("init", "-q");
  writeFileSync(join(dir, "tracked.txt"), "one\n");
  git("add", ".");
  git("commit", "-qm", "start");
  return { dir, git, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The official MCP client over stdio, running `omnara mcp` with these flags in `cwd`. */
async function connect(flags: string[], cwd?: string) {
  const client = new Client({ name: "claude-code", version: "1.0.0" });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [omnaraBin, "mcp", ...flags],
    env: isolatedEnv().env as Record<string, string>,
    ...(cwd ? { cwd } : {}),
    stderr: "pipe",
  });
  await client.connect(transport);
  return { client, [Symbol.asyncDispose]: () => client.close() };
}

const Structured = z.object({ agent_instance_id: z.string() });

test("--git-diff attaches every change since the server started (committed, uncommitted, untracked) to each step and question", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "diff");
  using repo = gitRepo();
  await using mcp = await connect(["--api-key", alice.apiKey, "--base-url", server.url, "--git-diff"], repo.dir);
  const tools = await mcp.client.listTools();
  // The diff is the server's to attach: the model is never asked for it.
  for (const tool of tools.tools) expect(Object.keys(tool.inputSchema.properties ?? {})).not.toContain("git_diff");

  writeFileSync(join(repo.dir, "committed.txt"), "committed after start\n");
  repo.git("add", "committed.txt");
  repo.git("commit", "-qm", "later");
  writeFileSync(join(repo.dir, "tracked.txt"), "one\ntwo\n");
  writeFileSync(join(repo.dir, "untracked.txt"), "brand new\n");
  const step = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "Editing" } });
  const id = Structured.parse(step.structuredContent).agent_instance_id;
  const afterStep = (await alice.user.getInstance.query({ agent_instance_id: id })).git_diff ?? "";
  expect(afterStep).toContain("+++ b/committed.txt");
  expect(afterStep).toContain("+two");
  expect(afterStep).toContain("+++ b/untracked.txt");
  expect(afterStep).toContain("+brand new");

  writeFileSync(join(repo.dir, "second.txt"), "for the question\n");
  const asked = mcp.client.callTool({
    name: "ask_question",
    arguments: { agent_instance_id: id, question_text: "Ship it?" },
  });
  const deadline = Date.now() + 15_000;
  let detail = await alice.user.getInstance.query({ agent_instance_id: id });
  while (detail.status !== "AWAITING_INPUT") {
    if (Date.now() > deadline) throw new Error("the question never arrived");
    await new Promise((resolve) => setTimeout(resolve, 50));
    detail = await alice.user.getInstance.query({ agent_instance_id: id });
  }
  expect(detail.git_diff).toContain("+++ b/second.txt");
  await alice.user.reply.mutate({ agent_instance_id: id, content: "yes" });
  expect((await asked).structuredContent).toMatchObject({ status: "answered", answer: "yes" });
});

test("without --git-diff no diff is attached", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "nodiff");
  using repo = gitRepo();
  await using mcp = await connect(["--api-key", alice.apiKey, "--base-url", server.url], repo.dir);
  writeFileSync(join(repo.dir, "tracked.txt"), "changed\n");
  const step = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "Editing" } });
  const id = Structured.parse(step.structuredContent).agent_instance_id;
  expect((await alice.user.getInstance.query({ agent_instance_id: id })).git_diff).toBeNull();
});

test("--disable-tools offers no tool but approve (with --permission-tool), as Omnara v1", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "disabled");
  const base = ["--api-key", alice.apiKey, "--base-url", server.url];
  {
    await using mcp = await connect([...base, "--disable-tools", "--permission-tool"]);
    expect((await mcp.client.listTools()).tools.map((tool) => tool.name)).toEqual(["approve"]);
    const refused = await mcp.client.callTool({ name: "log_step", arguments: { step_description: "x" } });
    expect(refused.isError).toBe(true);
  }
  {
    await using mcp = await connect([...base, "--disable-tools"]);
    expect((await mcp.client.listTools()).tools).toEqual([]);
  }
  {
    await using mcp = await connect(base);
    expect((await mcp.client.listTools()).tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["log_step", "ask_question", "end_session"]),
    );
  }
});
