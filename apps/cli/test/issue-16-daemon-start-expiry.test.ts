import { eventually, newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, onTestFinished, test } from "vitest";
import { addProject, daemonLogin, daemonSessions, gitProject, killSessions, startDaemon } from "./daemon-process.ts";
import { isolatedEnv } from "./test-env.ts";

/**
 * A start asked of a machine whose daemon is down expires after its lifetime (1 s here); the
 * daemon coming back afterwards starts nothing.
 */
test("omnara daemon back after a start request expired does not start the stale session", async () => {
  await using server = await startTestServer("pglite", { env: { OMNARA_MACHINE_START_EXPIRES_SECONDS: "1" } });
  const alice = await newUserWithKey(server.url, "alice");
  const { env, home } = isolatedEnv();
  onTestFinished(() => killSessions(home));
  await daemonLogin(server.url, alice, env, "sleeper");
  await addProject(env, gitProject());
  // Registered once, then down: the machine is there but nobody polls for it.
  const first = await startDaemon(env);
  const machine = await eventually("the machine", async () => (await alice.user.listMachines.query({}))[0]);
  first.child.kill("SIGKILL");
  await first.exited;

  const stale = await alice.user.startMachineSession.mutate({
    machine_id: machine.id,
    project_id: machine.projects[0]?.id ?? "",
    prompt: "asked while the machine slept",
  });
  await eventually("the start expired", async () => {
    const [m] = await alice.user.listMachines.query({});
    return m?.sessions.find((s) => s.agent_instance_id === stale.agent_instance_id)?.state === "EXPIRED";
  });

  const daemon = await startDaemon(env);
  onTestFinished(() => void daemon.child.kill("SIGKILL"));
  // Its registration and two polls after it came back (each moves last_seen_at): the second poll
  // began after the first had read its commands, and the expired start was not among them.
  let seen = "";
  for (let moves = 0; moves < 3; moves++) {
    seen = await eventually("a poll", async () => {
      const at = (await alice.user.listMachines.query({}))[0]?.last_seen_at ?? "";
      return at !== seen ? at : undefined;
    });
  }
  expect(daemonSessions(home)).toEqual([]);
  expect(daemon.stdout() + daemon.stderr()).not.toContain(stale.agent_instance_id);
  expect((await alice.user.getInstance.query({ agent_instance_id: stale.agent_instance_id })).status).toBe("FAILED");
}, 120_000);
