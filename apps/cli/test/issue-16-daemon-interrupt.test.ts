import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eventually, newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, onTestFailed, test } from "vitest";
import { claudeEnv, claudeEventually, claudeHome, screenText } from "./claude-terminal.ts";
import { addProject, daemonLogin, daemonSessions, startDaemon } from "./daemon-process.ts";
import { FakeAnthropic } from "./fake-anthropic.ts";

const long = Array.from({ length: 400 }, (_, i) => `word${i} `).join("");
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A session the daemon started is an `omnara claude` session: the dashboard's interrupt (the
 * control of every `omnara claude` session) cuts its streaming turn and it waits for the user; the
 * dashboard's stop ends its process, and the machine lists it ended.
 */
test("the dashboard's interrupt and stop reach a session started by the daemon", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  await using fake = await FakeAnthropic.start([
    { blocks: [{ type: "text", text: long }], stop: "end_turn", streamMs: 120_000 },
  ]);
  // Disposed, it ends the daemon and its sessions (which outlive a daemon by design).
  await using claude = claudeHome();
  const { home, project } = claude;
  const { OMNARA_API_KEY: _unused, ...env } = claudeEnv(home, fake.url, "", server.url);
  await daemonLogin(server.url, alice, env, "desk");
  await addProject(env, project);
  await startDaemon(env);
  const machine = await eventually("the machine", async () => (await alice.user.listMachines.query({}))[0]);

  const started = await alice.user.startMachineSession.mutate({
    machine_id: machine.id,
    project_id: machine.projects[0]?.id ?? "",
    prompt: "talk at length",
  });
  const id = started.agent_instance_id;
  await fake.mainRequest(1);
  // The daemon writes the session's screen to a log: the turn is visibly under way.
  const screen = () => {
    try {
      return screenText(readFileSync(join(home, ".omnara", "logs", `daemon-session-${id}.log`), "utf8"));
    } catch {
      return "";
    }
  };
  await claudeEventually("streaming", () => /word20/.test(screen()));

  let last = "";
  onTestFailed(() => console.info(`instance: ${last}\nscreen: ${screen().slice(-1500)}`));
  // How fast is logged, not asserted: it measures the machine as much as the code.
  const asked = Date.now();
  await alice.user.interruptInstance.mutate({ agent_instance_id: id });
  await claudeEventually("the stream cut", () => fake.hangUps > 0);
  console.info(`interrupt of a daemon session: ${Date.now() - asked} ms`);
  await claudeEventually("waiting for the user", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: id });
    last = `${detail.status} ${JSON.stringify(detail.messages.map((m) => m.content.slice(0, 80)))}`;
    return detail.status === "AWAITING_INPUT" && detail.messages.at(-1)?.content.startsWith("Interrupted");
  });

  const pid = daemonSessions(home).find((s) => s.agent_instance_id === id)?.pid ?? 0;
  expect(alive(pid)).toBe(true);
  await alice.user.stopInstance.mutate({ agent_instance_id: id });
  await claudeEventually("the session's process gone", () => !alive(pid));
  await eventually("the machine lists it ended", async () => {
    const [m] = await alice.user.listMachines.query({});
    return m?.sessions.find((s) => s.agent_instance_id === id)?.state === "ENDED";
  });
  expect((await alice.user.getInstance.query({ agent_instance_id: id })).status).toBe("COMPLETED");
}, 360_000);
