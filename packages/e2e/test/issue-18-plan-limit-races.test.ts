import { randomUUID } from "node:crypto";
import { loadConfig } from "@omnara/config";
import { agentOperations, OmnaraError, plans, v1Operations } from "@omnara/contracts";
import {
  type AgentCaller,
  billingPeriod,
  type CoreDeps,
  createDoorbell,
  generateSecrets,
  registerInstance,
  sendMessage,
} from "@omnara/core";
import { createDb, type Database, schema } from "@omnara/db";
import { billingDeps } from "@omnara/http";
import { createTestDatabase, describeEachDatabase, FakeStripe, type TestDatabase } from "@omnara/testing";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * The free plan's monthly limit at the one place instances are created: concurrent creations
 * at the limit create exactly the room that was left, on the real database, round after round.
 */
const ROUNDS = 100;
/** Rounds in flight together (each is 20 transactions). */
const BATCH = 5;
const CONCURRENT = 20;
const LIMIT = plans.free.instancesPerMonth;
/** Instances each round's user has already started this month. */
const ALREADY = LIMIT - 5;

describeEachDatabase("plan limit at instance creation", (kind) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let deps: CoreDeps;
  let fake: FakeStripe;

  beforeAll(async () => {
    fake = await FakeStripe.start();
    testDatabase = await createTestDatabase(kind);
    database = await createDb({ url: testDatabase.url, log: console.error });
    const billing = loadConfig(fake.env()).billing;
    if (!billing) throw new Error("the fake's variables turn billing on");
    deps = {
      db: database.db,
      bus: database.bus,
      secrets: generateSecrets(),
      now: () => new Date(),
      doorbell: createDoorbell(),
      billing: billingDeps(billing),
    };
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
    await fake.close();
  });

  const send = (input: object) => agentOperations.sendMessage.input.parse(input);

  /** A new user with `started` instances this month (and some from last month, which do not count). */
  async function userWith(started: number): Promise<AgentCaller> {
    const { db } = database;
    const [user] = await db
      .insert(schema.users)
      .values({ email: `limit-${randomUUID()}@example.com` })
      .returning();
    if (!user) throw new Error("no user");
    const [type] = await db.insert(schema.agentTypes).values({ userId: user.id, name: "race" }).returning();
    if (!type) throw new Error("no agent type");
    const lastMonth = new Date(billingPeriod(new Date()).start.getTime() - 86_400_000);
    const rows = [
      ...Array.from({ length: started }, () => ({ startedAt: new Date() })),
      ...Array.from({ length: 3 }, () => ({ startedAt: lastMonth })),
    ].map(({ startedAt }) => ({ id: randomUUID(), userId: user.id, agentTypeId: type.id, startedAt }));
    if (rows.length > 0) await db.insert(schema.agentInstances).values(rows);
    return { userId: user.id, apiKeyId: randomUUID() };
  }

  const startedThisMonth = async (userId: string) => {
    const [row] = await database.db
      .select({ n: count() })
      .from(schema.agentInstances)
      .where(and(eq(schema.agentInstances.userId, userId)));
    return (row?.n ?? 0) - 3;
  };

  /** One creation through either path (first message, or v1's explicit register). */
  async function create(caller: AgentCaller, index: number): Promise<string> {
    try {
      if (index % 2 === 0) {
        await sendMessage(deps, caller, send({ agent_instance_id: randomUUID(), agent_type: "race", content: "go" }));
      } else {
        await registerInstance(deps, caller, v1Operations.v1RegisterInstance.input.parse({ agent_type: "race" }));
      }
      return "ok";
    } catch (error) {
      if (error instanceof OmnaraError) return error.code;
      throw error;
    }
  }

  test(`${CONCURRENT} concurrent creations with ${LIMIT - ALREADY} left create exactly ${LIMIT - ALREADY}, ${ROUNDS} rounds`, async () => {
    const tally = { ok: 0, PAYMENT_REQUIRED: 0 };
    for (let done = 0; done < ROUNDS; done += BATCH) {
      const rounds = await Promise.all(
        Array.from({ length: BATCH }, async () => {
          const caller = await userWith(ALREADY);
          const told = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => create(caller, i)));
          return { told, total: await startedThisMonth(caller.userId) };
        }),
      );
      for (const { told, total } of rounds) {
        expect(total).toBe(LIMIT);
        expect(told.filter((t) => t === "ok")).toHaveLength(LIMIT - ALREADY);
        expect(told.filter((t) => t === "PAYMENT_REQUIRED")).toHaveLength(CONCURRENT - (LIMIT - ALREADY));
        tally.ok += told.filter((t) => t === "ok").length;
        tally.PAYMENT_REQUIRED += told.filter((t) => t === "PAYMENT_REQUIRED").length;
      }
    }
    console.log(`[${kind}] ${ROUNDS} rounds:`, JSON.stringify(tally));
  }, 240_000);

  test(`a first message retried ${CONCURRENT / 4} times at once for the last free slot creates it once and refuses none, ${ROUNDS} rounds`, async () => {
    for (let done = 0; done < ROUNDS; done += BATCH * 4) {
      await Promise.all(
        Array.from({ length: BATCH * 4 }, async () => {
          const caller = await userWith(LIMIT - 1);
          const id = randomUUID();
          const told = await Promise.all(
            Array.from({ length: CONCURRENT / 4 }, async () => {
              try {
                const sent = await sendMessage(
                  deps,
                  caller,
                  send({ agent_instance_id: id, agent_type: "race", content: "go" }),
                );
                return sent.agent_instance_id;
              } catch (error) {
                if (error instanceof OmnaraError) return error.code;
                throw error;
              }
            }),
          );
          expect(told).toEqual(Array(CONCURRENT / 4).fill(id));
          expect(await startedThisMonth(caller.userId)).toBe(LIMIT);
        }),
      );
    }
  }, 240_000);

  test("the refusal says the limit, the usage and where to upgrade; last month's instances do not count", async () => {
    const caller = await userWith(LIMIT);
    const error = await sendMessage(
      deps,
      caller,
      send({ agent_instance_id: randomUUID(), agent_type: "race", content: "one more" }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OmnaraError);
    expect(error).toMatchObject({
      code: "PAYMENT_REQUIRED",
      planLimit: { limit: LIMIT, used: LIMIT, upgrade_url: "http://omnara.test/billing" },
    });
    expect(String((error as Error).message)).toContain("http://omnara.test/billing");
  });

  test("at the limit, existing instances keep working: messages go on, a re-register is v1's 409", async () => {
    const caller = await userWith(LIMIT - 1);
    const id = randomUUID();
    await sendMessage(deps, caller, send({ agent_instance_id: id, agent_type: "race", content: "last one" }));
    await expect(
      sendMessage(deps, caller, send({ agent_instance_id: randomUUID(), agent_type: "race", content: "new" })),
    ).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
    const again = await sendMessage(deps, caller, send({ agent_instance_id: id, content: "still here" }));
    expect(again.agent_instance_id).toBe(id);
    await expect(
      registerInstance(
        deps,
        caller,
        v1Operations.v1RegisterInstance.input.parse({ agent_type: "race", agent_instance_id: id }),
      ),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  test("Pro has no limit", async () => {
    const caller = await userWith(LIMIT);
    await database.db.insert(schema.billingAccounts).values({ userId: caller.userId, plan: "pro" });
    const told = await Promise.all(Array.from({ length: 5 }, (_, i) => create(caller, i)));
    expect(told).toEqual(Array(5).fill("ok"));
    expect(await startedThisMonth(caller.userId)).toBe(LIMIT + 5);
  });

  test("without billing there is no limit", async () => {
    const caller = await userWith(LIMIT);
    const off: CoreDeps = { ...deps, billing: undefined };
    const result = await sendMessage(
      off,
      caller,
      send({ agent_instance_id: randomUUID(), agent_type: "race", content: "x" }),
    );
    expect(result.success).toBe(true);
  });
});
