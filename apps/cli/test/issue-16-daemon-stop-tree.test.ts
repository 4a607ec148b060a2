import { eventually, newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, onTestFailed, test } from "vitest";
import { bash, claudeEnv, claudeEventually, claudeHome } from "./claude-terminal.ts";
import { addProject, daemonLogin, daemonSessions, startDaemon } from "./daemon-process.ts";
import { FakeAnthropic } from "./fake-anthropic.ts";
import { type ProcEntry, procTree, stillRunning } from "./process-table.ts";

/**
 * Stop ends everything a session started, not only Claude Code: here a Bash tool's `sleep` that
 * would outlive Claude (it is reparented when its shell's parent dies). Stopped from the Machines
 * page (the daemon's stop) and from the chat (the instance's stop, heard by `omnara claude`).
 */
test("stopping a daemon session ends Claude Code and every process it started", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  await using fake = await FakeAnthropic.start([{ blocks: [bash("toolu_a", "sleep 300")], stop: "tool_use" }]);
  // Disposed, it ends whatever a failed stop left: everything runs with this HOME.
  await using claude = claudeHome();
  const { home, project } = claude;
  const { OMNARA_API_KEY: _unused, ...env } = claudeEnv(home, fake.url, "", server.url);
  await daemonLogin(server.url, alice, env, "desk");
  await addProject(env, project);
  const daemon = await startDaemon(env);
  const machine = await eventually("the machine", async () => (await alice.user.listMachines.query({}))[0]);
  let tree: ProcEntry[] = [];
  onTestFailed(() => console.info(`left running: ${JSON.stringify(stillRunning(tree))}\n${daemon.stdout()}`));

  /** Starts a session whose Claude runs `sleep <seconds>` (a command Claude Code runs unasked); its process tree. */
  const sessionSleeping = async (prompt: string, sleep: string) => {
    const { agent_instance_id: id } = await alice.user.startMachineSession.mutate({
      machine_id: machine.id,
      project_id: machine.projects[0]?.id ?? "",
      prompt,
    });
    const pid = await eventually(
      "the session's process",
      () => daemonSessions(home).find((s) => s.agent_instance_id === id)?.pid,
    );
    const found = await claudeEventually(`${sleep} running under the session`, () => {
      const all = procTree(pid);
      return all.some((p) => p.cmdline.includes(sleep)) ? all : undefined;
    });
    // Claude Code itself and the shell running the command are in the tree too.
    expect(found.some((p) => p.cmdline.includes("claude.exe"))).toBe(true);
    return { id, tree: found };
  };

  const a = await sessionSleeping("sleep a while", "sleep 300");
  tree = a.tree;
  const stopAt = Date.now();
  await alice.user.stopMachineSession.mutate({ agent_instance_id: a.id });
  await claudeEventually("session A's whole tree gone", () => stillRunning(a.tree).length === 0);
  console.info(`stop (Machines) → ${a.tree.length} processes gone: ${Date.now() - stopAt} ms`);
  await eventually("session A completed", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: a.id });
    return detail.status === "COMPLETED";
  });

  // Session A's Claude may have sent its killed command's result on its way out: B's turn comes after.
  fake.add({ blocks: [bash("toolu_b", "sleep 301")], stop: "tool_use" });
  const b = await sessionSleeping("sleep again", "sleep 301");
  tree = b.tree;
  const stopBAt = Date.now();
  await alice.user.stopInstance.mutate({ agent_instance_id: b.id });
  await claudeEventually("session B's whole tree gone", () => stillRunning(b.tree).length === 0);
  console.info(`stop (chat) → ${b.tree.length} processes gone: ${Date.now() - stopBAt} ms`);
  await eventually("the machine lists B ended", async () => {
    const [m] = await alice.user.listMachines.query({});
    return m?.sessions.find((s) => s.agent_instance_id === b.id)?.state === "ENDED";
  });
  expect((await alice.user.getInstance.query({ agent_instance_id: b.id })).status).toBe("COMPLETED");
}, 360_000);
