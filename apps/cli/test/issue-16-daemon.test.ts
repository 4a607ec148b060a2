import { eventually, LIVE_WITHIN_MS, newUserWithKey, startTestServer } from "@omnara/testing";
import { TRPCClientError } from "@trpc/client";
import { expect, test } from "vitest";
import { runCli } from "./cli-process.ts";
import { addProject, daemonLogin, gitProject, startDaemon } from "./daemon-process.ts";
import { isolatedEnv } from "./test-env.ts";

const codeOf = (error: unknown): unknown => (error instanceof TRPCClientError ? error.data?.code : error);

test("omnara daemon: registers the machine and its projects, online; killed → asleep; restarted → online; revoked → refused", async () => {
  await using server = await startTestServer("pglite", { env: { OMNARA_MACHINE_ASLEEP_SECONDS: "2" } });
  const alice = await newUserWithKey(server.url, "alice");
  const { env } = isolatedEnv();
  await daemonLogin(server.url, alice, env, "build-box");
  const repo = gitProject();
  await addProject(env, repo);
  const listed = JSON.parse((await runCli(["daemon", "list", "--json"], env)).stdout);
  expect(listed).toMatchObject({ signed_in: true, base_url: server.url, projects: [{ path: repo, is_git: true }] });

  // The machine key is one of the user's keys, marked as a machine's.
  const keys = await alice.user.listApiKeys.query({});
  expect(keys.find((k) => k.name === "Machine build-box")).toMatchObject({ kind: "machine", is_active: true });

  const first = await startDaemon(env);
  const machine = await eventually("the machine online", async () => {
    const [m] = await alice.user.listMachines.query({});
    return m?.status === "online" && m.projects.length === 1 ? m : undefined;
  });
  expect(machine).toMatchObject({
    name: "build-box",
    projects: [{ path: repo, name: repo.split("/").pop(), is_git: true }],
  });
  expect(machine.os).toContain(process.platform);
  // Another user sees none of it.
  const bob = await newUserWithKey(server.url, "bob");
  expect(await bob.user.listMachines.query({})).toEqual([]);
  await expect(
    bob.user.startMachineSession.mutate({
      machine_id: machine.id,
      project_id: machine.projects[0]?.id ?? "",
      prompt: "hi",
    }),
  ).rejects.toSatisfy((error) => codeOf(error) === "NOT_FOUND");
  // An agent key cannot speak for a machine.
  await expect(
    alice.agent.registerMachine.mutate({ name: "fake", os: "x", version: "1", projects: [] }),
  ).rejects.toSatisfy((error) => codeOf(error) === "FORBIDDEN");

  first.child.kill("SIGKILL");
  await first.exited;
  const killedAt = Date.now();
  await eventually("the machine asleep", async () => (await alice.user.listMachines.query({}))[0]?.status === "asleep");
  console.info(`killed → asleep (threshold 2 s): ${Date.now() - killedAt} ms`);

  const restartedAt = Date.now();
  const second = await startDaemon(env);
  const back = await eventually("the machine online again", async () => {
    const [m] = await alice.user.listMachines.query({});
    return m?.status === "online" ? m : undefined;
  });
  console.info(`restarted → online: ${Date.now() - restartedAt} ms`);
  // The same machine (one per key), its project keeping its id.
  expect(back.id).toBe(machine.id);
  expect(back.projects[0]?.id).toBe(machine.projects[0]?.id);
  expect(await alice.user.listMachines.query({})).toHaveLength(1);

  // Revoked: the open poll ends at once and the daemon stops, saying why.
  const revokedAt = Date.now();
  await alice.user.revokeApiKey.mutate({ id: machine.api_key_id });
  expect(await second.exited).toBe(1);
  // Ended by the revocation's announcement, not by its 25 s poll running out.
  expect(Date.now() - revokedAt).toBeLessThan(LIVE_WITHIN_MS);
  expect(second.stderr()).toMatch(/refused the machine key/);
  expect((await alice.user.listMachines.query({}))[0]?.status).toBe("revoked");
  await expect(
    alice.user.startMachineSession.mutate({
      machine_id: machine.id,
      project_id: back.projects[0]?.id ?? "",
      prompt: "hi",
    }),
  ).rejects.toSatisfy((error) => codeOf(error) === "CONFLICT");
  // Started again with the revoked key, it is refused straight away.
  const third = await runCli(["daemon", "run", "--poll-seconds", "1"], env);
  expect(third.code).toBe(1);
  expect(third.stderr).toMatch(/refused the machine key/);
}, 120_000);
