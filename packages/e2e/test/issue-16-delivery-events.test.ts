import { randomUUID } from "node:crypto";
import { getPendingMessages, ownerAccess, reply, sendMessage, waitForReply } from "@omnara/core";
import { schema } from "@omnara/db";
import {
  type CountingProxy,
  createTestDatabase,
  describeEachDatabase,
  newUserWithKey,
  startCountingProxy,
  startTestServer,
  type TestDatabase,
  type TestServer,
  testEnv,
} from "@omnara/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type EventLog, follow, liveUserClient } from "./support/live-client.ts";

const ROUNDS = 100;
const AT_ONCE = 10;

/** The instance events of `instanceId` a stream received after position `from` of its log. */
const instanceEvents = (log: EventLog, instanceId: string, from: number) =>
  log.events.slice(from).filter(({ event }) => event.type === "instance" && event.instance.id === instanceId).length;

/** Where in the log the message `messageId` arrived (waits for it). */
async function arrival(log: EventLog, messageId: string): Promise<number> {
  const at = () => log.events.findIndex(({ event }) => event.type === "message" && event.message.id === messageId);
  await log.until(`message ${messageId}`, () => at() >= 0);
  return at();
}

/**
 * Issue 16: a message the user sent while the agent worked shows queued until a read of the agent
 * hands it over. That read tells every open screen at once (a feed row and an instance event, on
 * Postgres in the delivery's own statement): the owner's tabs and those of users it is shared
 * with, never anyone else's; and of reads racing for the same message, only one tells.
 */
describeEachDatabase("issue 16: a delivery reaches the live streams", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("the owner's and the shared user's streams hear the agent's read; a stranger's hears nothing", async () => {
    const [owner, friend, stranger] = await Promise.all([
      newUserWithKey(server.url, "delivery-owner"),
      newUserWithKey(server.url, "delivery-friend"),
      newUserWithKey(server.url, "delivery-stranger"),
    ]);
    const id = randomUUID();
    const working = await owner.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "delivery",
      content: "working",
    });
    await owner.user.shareInstance.mutate({ agent_instance_id: id, email: friend.email });
    const strangerInstance = randomUUID();
    await stranger.agent.sendMessage.mutate({
      agent_instance_id: strangerInstance,
      agent_type: "delivery",
      content: "mine",
    });

    const streams = {
      owner: follow(liveUserClient(server.url, owner.sessionToken)),
      ownerTab: follow(liveUserClient(server.url, owner.sessionToken), { agent_instance_id: id }),
      friend: follow(liveUserClient(server.url, friend.sessionToken)),
      stranger: follow(liveUserClient(server.url, stranger.sessionToken)),
    };
    try {
      for (const { log } of Object.values(streams)) await log.until("connected", () => log.events.length > 0);

      // Sent while the agent works: queued, and every screen of the instance has the message.
      const sent = await owner.user.reply.mutate({ agent_instance_id: id, content: "also update the docs" });
      const delivery = async () =>
        (await owner.user.listMessages.query({ agent_instance_id: id })).messages.find((m) => m.id === sent.id)
          ?.delivery;
      expect(await delivery()).toBe("queued");
      const watchers = [streams.owner.log, streams.ownerTab.log, streams.friend.log];
      const marks = await Promise.all(watchers.map((log) => arrival(log, sent.id)));

      // The agent reads: the message is handed over, and each screen hears it at once.
      const read = await owner.agent.waitForReply.query({
        agent_instance_id: id,
        after_message_id: working.message_id,
        timeout_seconds: 5,
      });
      expect(read.messages.map((m) => m.id)).toEqual([sent.id]);
      await Promise.all(
        watchers.map((log, i) => log.until("the delivery", () => instanceEvents(log, id, marks[i] ?? 0) > 0)),
      );
      expect(await delivery()).toBe("delivered");

      // Fences: the agent's next step on this instance, the stranger's own step on theirs. Each
      // stream delivers in commit order, so whatever the read announced came before its fence.
      const next = await owner.agent.sendMessage.mutate({ agent_instance_id: id, content: "carry on" });
      const fence = await stranger.agent.sendMessage.mutate({ agent_instance_id: strangerInstance, content: "fence" });
      await Promise.all(watchers.map((log) => arrival(log, next.message_id)));
      expect(watchers.map((log, i) => instanceEvents(log, id, marks[i] ?? 0))).toEqual([1, 1, 1]);
      await arrival(streams.stranger.log, fence.message_id);
      const strangerSaw = streams.stranger.log.events.filter(
        ({ event }) => "instance" in event && event.instance?.id === id,
      );
      expect(strangerSaw).toEqual([]);
    } finally {
      for (const { unsubscribe } of Object.values(streams)) unsubscribe();
    }
  });

  test("reading the same message again tells nobody: one hand-over, one event", async () => {
    const owner = await newUserWithKey(server.url, "delivery-again");
    const caller = { userId: owner.userId, apiKeyId: owner.apiKeyId };
    const id = randomUUID();
    const heard = countInstanceEvents(server, id);
    try {
      const working = await agentStep(server, caller, id, "working");
      const sent = await reply(server.deps, ownerAccess(caller, id), { agent_instance_id: id, content: "answer" });
      const rowsBefore = await instanceFeedRows(server, id);
      const read = () =>
        waitForReply(server.deps, caller, {
          agent_instance_id: id,
          after_message_id: working,
          timeout_seconds: 1,
        });
      expect((await read()).messages).toHaveLength(1);
      // The same read again (a retry whose answer was lost) and a pending read at the cursor.
      expect((await read()).messages).toHaveLength(1);
      const pending = await getPendingMessages(server.deps, caller, {
        agent_instance_id: id,
        last_read_message_id: working,
      });
      expect(pending.messages).toHaveLength(1);
      await heard.fence(caller);
      expect(heard.eventsAfter(sent.id)).toBe(1);
      expect((await instanceFeedRows(server, id)) - rowsBefore).toBe(1);
    } finally {
      heard.stop();
    }
  });

  test(`${ROUNDS} rounds of two reads racing for one queued message: one delivered event each`, async () => {
    const owner = await newUserWithKey(server.url, "delivery-race");
    const caller = { userId: owner.userId, apiKeyId: owner.apiKeyId };
    const problems: string[] = [];
    const round = async (n: number) => {
      const id = randomUUID();
      const heard = countInstanceEvents(server, id);
      try {
        const working = await agentStep(server, caller, id, "working");
        const sent = await reply(server.deps, ownerAccess(caller, id), { agent_instance_id: id, content: "queued" });
        const rowsBefore = await instanceFeedRows(server, id);
        const wait = () =>
          waitForReply(server.deps, caller, {
            agent_instance_id: id,
            after_message_id: working,
            timeout_seconds: 5,
          }).then((out) => out.messages);
        const pending = () =>
          getPendingMessages(server.deps, caller, {
            agent_instance_id: id,
            last_read_message_id: working,
          }).then((out) => out.messages);
        // Even rounds race two waits (the one-statement delivery against itself), odd ones a wait
        // and a pending read (against the transaction path).
        const reads = await Promise.all([wait(), n % 2 === 0 ? wait() : pending()]);
        for (const messages of reads) {
          if (messages.map((m) => m.id).join() !== sent.id) problems.push(`${id}: read ${JSON.stringify(messages)}`);
        }
        await heard.fence(caller);
        const rows = (await instanceFeedRows(server, id)) - rowsBefore;
        const events = heard.eventsAfter(sent.id);
        if (events !== 1 || rows !== 1) problems.push(`${id}: ${events} events, ${rows} feed rows`);
      } finally {
        heard.stop();
      }
    };
    for (let done = 0; done < ROUNDS; done += AT_ONCE) {
      await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => round(done + i)));
    }
    expect(problems).toEqual([]);
  }, 180_000);
});

/**
 * What the bus carries for one instance, in order; subscribed before the instance exists.
 * `eventsAfter(messageId)` counts the instance events after that message's own event: events
 * reach every listener in commit order, so the instance's creation (whose NOTIFY can reach this
 * process after later writes have answered their callers) is never counted as a delivery.
 * `fence` stores a step after and waits until the bus carried it, so by then every event of an
 * earlier write is in the log; what came with or after the fence is not counted.
 */
function countInstanceEvents(server: TestServer, instanceId: string) {
  const log: Array<{ type: "instance" } | { type: "message"; id: string }> = [];
  let wake = () => {};
  const stop = server.deps.bus.subscribe({ agentInstanceId: instanceId }, (event) => {
    if (event.type === "instance") log.push({ type: "instance" });
    if (event.type === "message") log.push({ type: "message", id: event.messageId });
    wake();
  });
  let fenced: string | undefined;
  const seen = (messageId: string) => log.findIndex((entry) => entry.type === "message" && entry.id === messageId);
  return {
    eventsAfter: (messageId: string) => {
      const at = seen(messageId);
      if (at < 0) throw new Error(`the bus never carried message ${messageId} of ${instanceId}`);
      const until = fenced === undefined ? log.length : seen(fenced);
      return log.slice(at + 1, until).filter((entry) => entry.type === "instance").length;
    },
    stop,
    fence: async (caller: Caller) => {
      const step = await agentStep(server, caller, instanceId, "fence");
      fenced = step;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the fence step of ${instanceId} never arrived`)), 10_000);
        wake = () => {
          if (seen(step) < 0) return;
          clearTimeout(timer);
          resolve();
        };
        wake();
      });
    },
  };
}

type Caller = { userId: string; apiKeyId: string };

/** An agent step through the core (the same statement as REST's); its message id. */
async function agentStep(server: TestServer, caller: Caller, instanceId: string, content: string): Promise<string> {
  const sent = await sendMessage(server.deps, caller, {
    agent_instance_id: instanceId,
    agent_type: "delivery",
    content,
    requires_user_input: false,
  });
  return sent.message_id;
}

async function instanceFeedRows(server: TestServer, instanceId: string): Promise<number> {
  const rows = await server.deps.db
    .select({ id: schema.feedEvents.id })
    .from(schema.feedEvents)
    .where(and(eq(schema.feedEvents.agentInstanceId, instanceId), eq(schema.feedEvents.kind, "instance")));
  return rows.length;
}

const postgresSuite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

postgresSuite("issue 16: the delivery announces itself in its own statement [postgres]", () => {
  let database: TestDatabase;
  let proxy: CountingProxy;
  let server: TestServer;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const target = new URL(database.url ?? "");
    proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    server = await startTestServer("postgres", { database, env: { DATABASE_URL: proxy.url(database.url ?? "") } });
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await database?.drop();
  });

  test("a wait that hands a queued message over writes its feed row and NOTIFY in the delivery statement", async () => {
    const owner = await newUserWithKey(server.url, "delivery-statement");
    const handOver = async () => {
      const id = randomUUID();
      const working = await owner.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "one", content: "w" });
      await owner.user.reply.mutate({ agent_instance_id: id, content: "queued" });
      proxy.takeStatements();
      const read = await owner.agent.waitForReply.query({
        agent_instance_id: id,
        after_message_id: working.message_id,
        timeout_seconds: 5,
      });
      expect(read.messages.map((m) => m.content)).toEqual(["queued"]);
      return proxy.takeStatements();
    };
    // The first on each connection also prepares its statements.
    await handOver();
    // Measured: 4 round trips on a warm connection (the key, the instance, the message after
    // which it waits, the delivery), as before the delivery announced itself.
    const statements = await handOver();
    const feedWrites = statements.filter((text) => /insert into feed_events/i.test(text));
    expect(feedWrites).toHaveLength(1);
    expect(feedWrites[0]).toMatch(/pg_notify/);
    expect(feedWrites[0]).toMatch(/update agent_instances i set delivered_message_id/);
  });
});
