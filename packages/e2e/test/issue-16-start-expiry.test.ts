import { randomUUID } from "node:crypto";
import {
  type AgentCaller,
  type CoreDeps,
  claimMachineCommands,
  createDoorbell,
  expireStartRequests,
  generateSecrets,
  registerMachine,
  startMachineSession,
} from "@omnara/core";
import { createDb, type Database, schema } from "@omnara/db";
import {
  createTestDatabase,
  describeEachDatabase,
  eventually,
  newMachine,
  newUserWithKey,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from "@omnara/testing";
import { TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

const codeOf = (error: unknown): unknown => (error instanceof TRPCClientError ? error.data?.code : error);
const ROUNDS = 100;
const TTL_MS = 60_000;
const stagger = async (round: number): Promise<void> => {
  if (round % 2 === 1) {
    await new Promise((resolve) => setTimeout(resolve, round % 7));
    return;
  }
  for (let i = 0; i < (round / 2) % 12; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * A start's lifetime in the first suite. The test also has the daemon pick a start up in time, by
 * a poll sent right after the start: the two calls must fit in the lifetime, and on a loaded CI
 * machine 1 s did not always hold them.
 */
const LIFETIME_SECONDS = 4;

describeEachDatabase("a start request to a machine that sleeps past its lifetime expires", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { OMNARA_MACHINE_START_EXPIRES_SECONDS: String(LIFETIME_SECONDS) } });
  });
  afterAll(() => server.close());

  test("expired: shown on Machines with why, the instance FAILED, never handed to the daemon, no stop", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const m = await newMachine(server.url, alice.sessionToken);
    const started = await alice.user.startMachineSession.mutate({
      machine_id: m.machineId,
      project_id: m.projectId,
      prompt: "while you slept",
    });
    const id = started.agent_instance_id;
    const [listed] = await eventually("the start expired", async () => {
      const machines = await alice.user.listMachines.query({});
      return machines[0]?.sessions[0]?.state === "EXPIRED" ? machines : undefined;
    });
    expect(listed?.sessions[0]).toMatchObject({ agent_instance_id: id, state: "EXPIRED" });
    expect(listed?.sessions[0]?.error).toContain(`did not pick this start up within ${LIFETIME_SECONDS} seconds`);
    expect(listed?.sessions[0]?.ended_at).not.toBeNull();
    expect(listed?.requests[0]).toMatchObject({ id: started.command_id, outcome: "expired", delivered_at: null });
    expect((await alice.user.getInstance.query({ agent_instance_id: id })).status).toBe("FAILED");

    // The daemon waking up now gets nothing to start.
    expect(await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 0 })).toEqual({
      commands: [],
      deleted: [],
    });
    await expect(alice.user.stopMachineSession.mutate({ agent_instance_id: id })).rejects.toSatisfy(
      (error) => codeOf(error) === "CONFLICT",
    );
    // A daemon claiming to run it anyway is refused, and nothing changes.
    await expect(
      m.machine.reportMachineSession.mutate({
        agent_instance_id: id,
        command_id: started.command_id,
        state: "RUNNING",
      }),
    ).rejects.toSatisfy((error) => codeOf(error) === "CONFLICT");
    expect((await alice.user.listMachines.query({}))[0]?.sessions[0]?.state).toBe("EXPIRED");

    // A start the daemon picks up in time is its to run, however long it then takes.
    const next = await alice.user.startMachineSession.mutate({
      machine_id: m.machineId,
      project_id: m.projectId,
      prompt: "awake now",
    });
    const polled = await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 5 });
    expect(polled.commands.map((c) => c.id)).toEqual([next.command_id]);
    await eventually("past the lifetime", async () => {
      const again = await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 0 });
      const machines = await alice.user.listMachines.query({});
      const session = machines[0]?.sessions.find((s) => s.agent_instance_id === next.agent_instance_id);
      // Handed out again until reported (the daemon may have died holding it), never expired.
      expect(again.commands.map((c) => c.id)).toEqual([next.command_id]);
      expect(session?.state).toBe("STARTING");
      return Date.now() - new Date(session?.created_at ?? 0).getTime() > 2 * LIFETIME_SECONDS * 1000;
    });
  }, 60_000);
});

describeEachDatabase(`a daemon's claim racing the expiry of one start request (${ROUNDS} rounds)`, (kind) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let base: CoreDeps;
  let caller: AgentCaller;
  let machineId: string;
  let projectId: string;

  beforeAll(async () => {
    testDatabase = await createTestDatabase(kind);
    database = await createDb({ url: testDatabase.url, log: console.error });
    base = {
      db: database.db,
      bus: database.bus,
      secrets: generateSecrets(),
      now: () => new Date(),
      doorbell: createDoorbell(),
      machineStartExpiresAfterMs: TTL_MS,
    };
    const [user] = await database.db
      .insert(schema.users)
      .values({ email: `expiry-${randomUUID()}@example.com` })
      .returning();
    if (!user) throw new Error("no user");
    const [key] = await database.db
      .insert(schema.apiKeys)
      .values({ userId: user.id, name: "Machine race", kind: "machine", tokenHash: randomUUID() })
      .returning();
    if (!key) throw new Error("no key");
    caller = { userId: user.id, apiKeyId: key.id, keyKind: "machine" };
    const registered = await registerMachine(base, caller, {
      name: "race",
      os: "linux",
      version: "0",
      projects: [{ path: "/srv/race", name: "race", is_git: false, worktree_root: null }],
    });
    machineId = registered.machine_id;
    projectId = registered.projects[0]?.id ?? "";
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  /** A start, and two clocks: the daemon's poll just inside its lifetime, the sweep just past it. */
  async function newStart() {
    const started = await startMachineSession(base, caller, {
      machine_id: machineId,
      project_id: projectId,
      agent: "claude",
      prompt: "race",
    });
    const [command] = await database.db
      .select()
      .from(schema.machineCommands)
      .where(eq(schema.machineCommands.id, started.command_id));
    if (!command) throw new Error("no command");
    const at = (offset: number) => ({ ...base, now: () => new Date(command.createdAt.getTime() + TTL_MS + offset) });
    return { started, poll: at(-1_000), sweep: at(1_000) };
  }

  async function stateOf(started: { agent_instance_id: string; command_id: string }) {
    const { db } = database;
    const [command] = await db
      .select()
      .from(schema.machineCommands)
      .where(eq(schema.machineCommands.id, started.command_id));
    const [session] = await db
      .select()
      .from(schema.machineSessions)
      .where(eq(schema.machineSessions.agentInstanceId, started.agent_instance_id));
    const [instance] = await db
      .select()
      .from(schema.agentInstances)
      .where(eq(schema.agentInstances.id, started.agent_instance_id));
    return { command, session: session?.state, instance: instance?.status };
  }

  const machine = async () => {
    const [row] = await database.db.select().from(schema.machines).where(eq(schema.machines.id, machineId));
    if (!row) throw new Error("no machine");
    return row;
  };

  test("each arm alone: an expired request is never claimed, a claimed one never expires", async () => {
    const a = await newStart();
    expect(await expireStartRequests(a.sweep, { machineId })).toBe(1);
    expect(await claimMachineCommands(a.poll, await machine())).toBeUndefined();
    expect(await stateOf(a.started)).toMatchObject({ session: "EXPIRED", instance: "FAILED" });

    const b = await newStart();
    expect((await claimMachineCommands(b.poll, await machine()))?.commands.map((c) => c.id)).toEqual([
      b.started.command_id,
    ]);
    expect(await expireStartRequests(b.sweep, { machineId })).toBe(0);
    expect(await stateOf(b.started)).toMatchObject({ session: "STARTING", instance: "ACTIVE" });
    await database.db
      .update(schema.machineCommands)
      .set({ doneAt: new Date(), outcome: "test over" })
      .where(eq(schema.machineCommands.id, b.started.command_id));
  });

  test("either the daemon has it (STARTING, ACTIVE) or it expired (EXPIRED, FAILED), never both", async () => {
    const wins = { claim: 0, expiry: 0 };
    const row = await machine();
    for (let round = 0; round < ROUNDS; round++) {
      const { started, poll, sweep } = await newStart();
      // The expiry starts a varying while after the claim (event-loop turns on the in-process
      // database, milliseconds over Postgres' round trips), so it lands before, inside (between
      // the claim's read and its update) and after the claim's statements.
      const [claimed, expired] = await Promise.all([
        claimMachineCommands(poll, row),
        stagger(round).then(() => expireStartRequests(sweep, { machineId })),
      ]);
      const delivered = claimed?.commands.some((c) => c.id === started.command_id) ?? false;
      const state = await stateOf(started);
      if (delivered) {
        wins.claim += 1;
        expect(expired).toBe(0);
        expect(state).toMatchObject({ session: "STARTING", instance: "ACTIVE" });
        expect(state.command?.deliveredAt).not.toBeNull();
        expect(state.command?.doneAt).toBeNull();
        await database.db
          .update(schema.machineCommands)
          .set({ doneAt: new Date(), outcome: "round over" })
          .where(eq(schema.machineCommands.id, started.command_id));
      } else {
        wins.expiry += 1;
        expect(expired).toBe(1);
        expect(state).toMatchObject({ session: "EXPIRED", instance: "FAILED" });
        expect(state.command).toMatchObject({ deliveredAt: null, outcome: "expired" });
      }
    }
    console.info(`${kind}: claim won ${wins.claim}, expiry won ${wins.expiry} of ${ROUNDS}`);
  }, 240_000);
});
