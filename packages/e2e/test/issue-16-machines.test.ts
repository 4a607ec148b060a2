import { randomUUID } from "node:crypto";
import {
  describeEachDatabase,
  newMachine,
  newUserWithKey,
  startTestServer,
  type TestServer,
  userClient,
} from "@omnara/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, test } from "vitest";

const codeOf = (error: unknown): unknown => (error instanceof TRPCClientError ? error.data?.code : error);
const ROUNDS = 100;

describeEachDatabase(
  "machines: a start reaches the daemon's poll, is recorded, reported, stopped and cleaned up",
  (kind) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(() => server.close());

    test("start → instance at once → poll → RUNNING → stop → ENDED → delete → cleanup, each recorded", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      const m = await newMachine(server.url, alice.sessionToken, { path: "/srv/app", isGit: true });
      const started = await alice.user.startMachineSession.mutate({
        machine_id: m.machineId,
        project_id: m.projectId,
        prompt: "Fix the tests",
        worktree: { branch: "omnara/fix-tests" },
      });
      const id = started.agent_instance_id;
      // The instance exists before any machine did anything.
      expect(await alice.user.getInstance.query({ agent_instance_id: id })).toMatchObject({
        status: "ACTIVE",
        agent_type_name: "claude code",
        name: "project (omnara/fix-tests)",
        instance_metadata: { cwd: "/srv/app", claude_session_id: id, branch: "omnara/fix-tests" },
      });
      const start = {
        id: started.command_id,
        kind: "start",
        agent_instance_id: id,
        project_id: m.projectId,
        agent: "claude",
        prompt: "Fix the tests",
        worktree: { branch: "omnara/fix-tests" },
      };
      expect((await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 5 })).commands).toEqual([start]);
      // Until it is reported, a command comes back (a daemon that died holding it gets it again).
      expect((await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 0 })).commands).toEqual([start]);
      await m.machine.reportMachineSession.mutate({
        agent_instance_id: id,
        command_id: started.command_id,
        state: "RUNNING",
        worktree_path: "/srv/app.worktrees/omnara-fix-tests",
      });
      expect(await m.machine.pollMachine.mutate({ running: [id], timeout_seconds: 0 })).toEqual({
        commands: [],
        deleted: [],
      });
      const [listed] = await alice.user.listMachines.query({});
      expect(listed?.sessions).toMatchObject([
        {
          agent_instance_id: id,
          state: "RUNNING",
          branch: "omnara/fix-tests",
          worktree_path: "/srv/app.worktrees/omnara-fix-tests",
        },
      ]);
      expect(listed?.requests).toMatchObject([
        { id: started.command_id, kind: "start", requested_by: alice.email, outcome: "ok" },
      ]);
      expect(listed?.requests[0]?.done_at).not.toBeNull();

      const stop = await alice.user.stopMachineSession.mutate({ agent_instance_id: id });
      expect((await m.machine.pollMachine.mutate({ running: [id], timeout_seconds: 5 })).commands).toEqual([
        { id: stop.command_id, kind: "stop", agent_instance_id: id },
      ]);
      await m.machine.reportMachineSession.mutate({
        agent_instance_id: id,
        command_id: stop.command_id,
        state: "ENDED",
      });
      expect((await alice.user.listMachines.query({}))[0]?.sessions[0]?.state).toBe("ENDED");
      await expect(alice.user.stopMachineSession.mutate({ agent_instance_id: id })).rejects.toSatisfy(
        (error) => codeOf(error) === "CONFLICT",
      );

      const audit = await alice.user.listAudit.query({});
      const actions = audit.entries.filter((e) => e.target_id === id).map((e) => e.action);
      expect(actions.sort()).toEqual(["instance.launch", "instance.stop"]);

      await alice.user.deleteInstance.mutate({ agent_instance_id: id });
      expect((await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 5 })).deleted).toEqual([id]);
      await m.machine.reportMachineSession.mutate({ agent_instance_id: id, state: "REMOVED" });
      expect((await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 0 })).deleted).toEqual([]);
    });

    test("a session the daemon no longer lists has ended; a failed start fails its instance", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      const m = await newMachine(server.url, alice.sessionToken);
      const a = await alice.user.startMachineSession.mutate({
        machine_id: m.machineId,
        project_id: m.projectId,
        prompt: "a",
      });
      const b = await alice.user.startMachineSession.mutate({
        machine_id: m.machineId,
        project_id: m.projectId,
        prompt: "b",
      });
      for (const s of [a, b]) {
        await m.machine.reportMachineSession.mutate({
          agent_instance_id: s.agent_instance_id,
          command_id: s.command_id,
          state: "RUNNING",
        });
      }
      await m.machine.pollMachine.mutate({ running: [a.agent_instance_id], timeout_seconds: 0 });
      const states = Object.fromEntries(
        ((await alice.user.listMachines.query({}))[0]?.sessions ?? []).map((s) => [s.agent_instance_id, s.state]),
      );
      expect(states).toEqual({ [a.agent_instance_id]: "RUNNING", [b.agent_instance_id]: "ENDED" });

      const c = await alice.user.startMachineSession.mutate({
        machine_id: m.machineId,
        project_id: m.projectId,
        prompt: "c",
      });
      await m.machine.reportMachineSession.mutate({
        agent_instance_id: c.agent_instance_id,
        command_id: c.command_id,
        state: "FAILED",
        error: "This project is not registered on the machine any more.",
      });
      expect((await alice.user.getInstance.query({ agent_instance_id: c.agent_instance_id })).status).toBe("FAILED");
      const request = (await alice.user.listMachines.query({}))[0]?.requests.find((r) => r.id === c.command_id);
      expect(request?.outcome).toMatch(/not registered/);
    });

    test("refusals: a worktree of a non-git project, a bad branch, another machine's project, an agent key", async () => {
      const alice = await newUserWithKey(server.url, "alice");
      const m = await newMachine(server.url, alice.sessionToken);
      const other = await newMachine(server.url, alice.sessionToken, { path: "/srv/other" });
      const base = { machine_id: m.machineId, project_id: m.projectId, prompt: "go" };
      const refused = (input: Record<string, unknown>) =>
        userClient(server.url, alice.sessionToken)
          .startMachineSession.mutate({ ...base, ...input })
          .then(
            () => "ok",
            (error: unknown) => codeOf(error),
          );
      expect(await refused({ worktree: { branch: "feature" } })).toBe("BAD_REQUEST");
      for (const branch of ["../escape", "-rf", "a..b", "x.lock", "a b", "a/.hidden", "$(id)"]) {
        expect({ branch, code: await refused({ worktree: { branch } }) }).toEqual({ branch, code: "BAD_REQUEST" });
      }
      expect(await refused({ project_id: other.projectId })).toBe("NOT_FOUND");
      expect(await refused({ machine_id: randomUUID() })).toBe("NOT_FOUND");
      expect(await refused({ agent: "bash" })).toBe("BAD_REQUEST");
      expect(await refused({ prompt: "" })).toBe("BAD_REQUEST");
      await expect(alice.agent.pollMachine.mutate({ running: [], timeout_seconds: 0 })).rejects.toSatisfy(
        (error) => codeOf(error) === "FORBIDDEN",
      );
      // A machine's key reports only its own machine's sessions.
      const s = await alice.user.startMachineSession.mutate(base);
      await expect(
        other.machine.reportMachineSession.mutate({ agent_instance_id: s.agent_instance_id, state: "ENDED" }),
      ).rejects.toSatisfy((error) => codeOf(error) === "NOT_FOUND");
    });

    test(`a poll already waiting wakes with the start stored meanwhile (${ROUNDS} rounds)`, async () => {
      const alice = await newUserWithKey(server.url, "alice");
      const m = await newMachine(server.url, alice.sessionToken);
      for (let round = 0; round < ROUNDS; round++) {
        const [polled, started] = await Promise.all([
          m.machine.pollMachine.mutate({ running: [], timeout_seconds: 20 }),
          alice.user.startMachineSession.mutate({
            machine_id: m.machineId,
            project_id: m.projectId,
            prompt: `round ${round}`,
          }),
        ]);
        // Either the poll read it at once or it was woken; it never waits out its 20 s.
        const ids = polled.commands.map((c) => c.id);
        const mine = ids.includes(started.command_id)
          ? polled
          : await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 20 });
        expect(mine.commands.map((c) => c.id)).toContain(started.command_id);
        await m.machine.reportMachineSession.mutate({
          agent_instance_id: started.agent_instance_id,
          command_id: started.command_id,
          state: "FAILED",
          error: "test round over",
        });
      }
    }, 240_000);

    test(`registrations of one key racing each other make one machine, each path one project (${ROUNDS} rounds)`, async () => {
      const alice = await newUserWithKey(server.url, "alice");
      const m = await newMachine(server.url, alice.sessionToken, { path: "/srv/a" });
      const project = (path: string) => ({ path, name: path.slice(5), is_git: false, worktree_root: null });
      for (let round = 0; round < ROUNDS; round++) {
        const results = await Promise.all([
          m.machine.registerMachine.mutate({
            name: "box",
            os: "linux",
            version: "1",
            projects: [project("/srv/a"), project(`/srv/r${round}`)],
          }),
          m.machine.registerMachine.mutate({
            name: "box",
            os: "linux",
            version: "1",
            projects: [project("/srv/a"), project(`/srv/r${round}`)],
          }),
        ]);
        expect(new Set(results.map((r) => r.machine_id))).toEqual(new Set([m.machineId]));
        const ids = results.map((r) => Object.fromEntries(r.projects.map((p) => [p.path, p.id])));
        expect(ids[0]).toEqual(ids[1]);
        expect(ids[0]?.["/srv/a"]).toBe(m.projectId);
      }
      const [listed, ...more] = await alice.user.listMachines.query({});
      expect(more).toEqual([]);
      expect(listed?.projects.map((p) => p.path).sort()).toEqual(["/srv/a", `/srv/r${ROUNDS - 1}`]);
    }, 240_000);
  },
);
