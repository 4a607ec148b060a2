import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually, newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, test } from "vitest";
import { bash, claudeEnv, claudeEventually, claudeHome } from "./claude-terminal.ts";
import { addProject, daemonLogin, daemonSessions, startDaemon } from "./daemon-process.ts";
import { FakeAnthropic, toolResult } from "./fake-anthropic.ts";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: "pipe" });

/**
 * The real Claude Code (the pinned 2.1.197) started by `omnara daemon` from the user API, as the
 * dashboard's Start form does, against the fake Anthropic API: in the project, then in a new
 * worktree, across a daemon killed and restarted, stopped, deleted and finally revoked.
 */
test("omnara daemon runs Claude Code sessions started from the dashboard, in the project or a new worktree", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  await using fake = await FakeAnthropic.start([
    { blocks: [{ type: "text", text: "Hello from the daemon." }], stop: "end_turn" },
    { blocks: [{ type: "text", text: "Continuing after the restart." }], stop: "end_turn" },
    {
      blocks: [bash("toolu_w", "node -e \"require('fs').writeFileSync('made-here.txt', 'x')\"")],
      stop: "tool_use",
    },
    { blocks: [{ type: "text", text: "Done in the worktree." }], stop: "end_turn" },
    { blocks: [{ type: "text", text: "Third session here." }], stop: "end_turn" },
  ]);

  // Disposed, it ends the daemons and their sessions (which outlive a daemon by design).
  await using claude = claudeHome();
  const { home, project } = claude;
  git(project, "checkout", "-q", "-b", "main");
  writeFileSync(join(project, "README.md"), "# project\n");
  git(project, "add", ".");
  git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
  const worktreeRoot = join(home, "worktrees");
  const worktree = join(worktreeRoot, "omnara-feature");
  // The user accepted Claude Code's trust dialog for the worktree folder once, as for the project.
  const claudeJson = JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"));
  claudeJson.projects[worktree] = { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true };
  writeFileSync(join(home, ".claude.json"), JSON.stringify(claudeJson));

  const { OMNARA_API_KEY: _unused, ...env } = claudeEnv(home, fake.url, "", server.url);
  await daemonLogin(server.url, alice, env, "desk");
  await addProject(env, project, ["--worktree-root", worktreeRoot]);
  let daemon = await startDaemon(env);
  const machine = await eventually("the machine", async () => (await alice.user.listMachines.query({}))[0]);
  const projectId = machine.projects[0]?.id ?? "";

  // 1. In the project itself: the instance exists at once, then Claude's first turn appears.
  const a = await alice.user.startMachineSession.mutate({
    machine_id: machine.id,
    project_id: projectId,
    prompt: "say hello",
  });
  expect((await alice.user.getInstance.query({ agent_instance_id: a.agent_instance_id })).status).toBe("ACTIVE");
  await claudeEventually("the first turn mirrored", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: a.agent_instance_id });
    const texts = detail.messages.map((m) => `${m.sender_type}: ${m.content}`);
    return detail.status === "AWAITING_INPUT" && texts.includes("AGENT: Hello from the daemon.") ? texts : undefined;
  });
  expect((await fake.mainRequest(1)).messagesText).toContain("say hello");
  const aPid = daemonSessions(home).find((s) => s.agent_instance_id === a.agent_instance_id)?.pid ?? 0;
  expect(alive(aPid)).toBe(true);

  // 2. The daemon killed and restarted: the session ran on, and is still listed running.
  daemon.child.kill("SIGKILL");
  await daemon.exited;
  const restartedAt = Date.now();
  daemon = await startDaemon(env);
  console.info(`daemon restart → online: ${Date.now() - restartedAt} ms`);
  expect(alive(aPid)).toBe(true);
  await alice.user.reply.mutate({ agent_instance_id: a.agent_instance_id, content: "go on" });
  await claudeEventually("the reply answered after the restart", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: a.agent_instance_id });
    return detail.messages.some((m) => m.content === "Continuing after the restart.");
  });
  const afterRestart = await alice.user.listMachines.query({});
  expect(afterRestart[0]?.sessions.find((s) => s.agent_instance_id === a.agent_instance_id)?.state).toBe("RUNNING");

  // Stop: the process ends, the instance is completed.
  await alice.user.stopMachineSession.mutate({ agent_instance_id: a.agent_instance_id });
  await claudeEventually("session A's process gone", () => !alive(aPid));
  await eventually("session A completed", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: a.agent_instance_id });
    return detail.status === "COMPLETED";
  });

  // 3. In a new worktree on a new branch: the permission prompt is answered from the dashboard.
  const b = await alice.user.startMachineSession.mutate({
    machine_id: machine.id,
    project_id: projectId,
    prompt: "make a file",
    worktree: { branch: "omnara/feature" },
  });
  await claudeEventually("the permission question", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: b.agent_instance_id });
    return detail.status === "AWAITING_INPUT" && detail.messages.at(-1)?.content.includes("[OPTIONS]");
  });
  expect(git(worktree, "branch", "--show-current").trim()).toBe("omnara/feature");
  await alice.user.reply.mutate({ agent_instance_id: b.agent_instance_id, content: "Allow" });
  expect(toolResult(await fake.mainRequest(4), "toolu_w")).not.toContain('"is_error":true');
  await claudeEventually("the worktree turn mirrored", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: b.agent_instance_id });
    return detail.messages.some((m) => m.content === "Done in the worktree.");
  });
  expect(existsSync(join(worktree, "made-here.txt"))).toBe(true);
  // The user's checkout: same branch, nothing written.
  expect(git(project, "branch", "--show-current").trim()).toBe("main");
  expect(git(project, "status", "--porcelain")).toBe("");
  expect(existsSync(join(project, "made-here.txt"))).toBe(false);

  // Deleted: the process ends, the worktree goes, the branch (and what was committed) stays.
  await alice.user.deleteInstance.mutate({ agent_instance_id: b.agent_instance_id });
  await claudeEventually("the worktree removed", () => !existsSync(worktree));
  expect(git(project, "worktree", "list")).not.toContain(worktree);
  expect(git(project, "branch", "--list", "omnara/feature")).toContain("omnara/feature");
  expect(git(project, "status", "--porcelain")).toBe("");

  // 4. Revoked while a session runs: the daemon stops it and itself (how fast is logged: the
  //    process's exit measures the machine as much as the code).
  const c = await alice.user.startMachineSession.mutate({
    machine_id: machine.id,
    project_id: projectId,
    prompt: "third",
  });
  await claudeEventually("the third session's turn", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: c.agent_instance_id });
    return detail.messages.some((m) => m.content === "Third session here.");
  });
  const cPid = daemonSessions(home).find((s) => s.agent_instance_id === c.agent_instance_id)?.pid ?? 0;
  const revokedAt = Date.now();
  await alice.user.revokeApiKey.mutate({ id: machine.api_key_id });
  expect(await daemon.exited).toBe(1);
  await claudeEventually("the third session's process gone", () => !alive(cPid));
  console.info(`revoked → the daemon's session gone: ${Date.now() - revokedAt} ms`);
}, 600_000);
