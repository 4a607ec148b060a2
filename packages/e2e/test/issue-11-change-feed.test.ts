import { randomUUID } from "node:crypto";
import { events, REPLAY_BOUND } from "@omnara/core";
import { schema } from "@omnara/db";
import {
  busSubscriptions,
  describeEachDatabase,
  LIVE_WITHIN_MS,
  newUserWithKey,
  startTestServer,
  type TestServer,
} from "@omnara/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, onTestFinished, test } from "vitest";
import { startDroppingProxy } from "./support/dropping-proxy.ts";
import { type EventLog, follow, liveUserClient } from "./support/live-client.ts";

/**
 * A fresh stream starts at the oldest running transaction, so a change committed just before it
 * may come again (clients apply rows idempotently): tests look at the steps they wrote.
 */
const STEPS = new Set(["B's step", "A's step"]);
const stepIds = (log: EventLog) =>
  log.events.flatMap(({ event }) =>
    event.type === "message" && STEPS.has(event.message.content) ? [event.message.id] : [],
  );

/** Nothing may arrive in this window; it is a negative check, so it has to be a wait. */
const QUIET_MS = 600;
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

describeEachDatabase("issue 11: the change feed resumes in commit order", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const newInstance = async (agent: Awaited<ReturnType<typeof newUserWithKey>>["agent"], content: string) => {
    const id = randomUUID();
    await agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "feed", content });
    return id;
  };

  test("B stores first and commits last, A commits between, the socket drops: the resume replays B's, nothing twice", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const instanceB = await newInstance(alice.agent, "B starts");
    const instanceA = await newInstance(alice.agent, "A starts");
    await using proxy = Object.assign(await startDroppingProxy(new URL(server.url)), {
      [Symbol.asyncDispose]: () => proxy.close(),
    });
    const stream = follow(liveUserClient(proxy.url, alice.sessionToken));
    try {
      await stream.log.until("connected", () => stream.log.events.length > 0);

      // Writer B: its message and feed row are stored in a transaction that stays open.
      let commitB = () => {};
      const held = new Promise<void>((resolve) => {
        commitB = resolve;
      });
      let stored: (row: { id: string; seq: number }) => void = () => {};
      const storedB = new Promise<{ id: string; seq: number }>((resolve) => {
        stored = resolve;
      });
      const writerB = server.deps.db.transaction(async (tx) => {
        const [message] = await tx
          .insert(schema.messages)
          .values({ agentInstanceId: instanceB, senderType: "AGENT", content: "B's step" })
          .returning();
        if (!message) throw new Error("no message");
        await tx
          .insert(schema.feedEvents)
          .values({ userId: alice.userId, agentInstanceId: instanceB, kind: "message", messageId: message.id });
        stored(message);
        await held;
      });
      // Never leave B open, whatever fails: an open transaction holds every feed on the server.
      onTestFinished(async () => {
        commitB();
        await writerB.catch(() => {});
      });
      const { id: messageB, seq: seqB } = await storedB;

      // Writer A: a real send, stored after B's and (on Postgres) committed before it.
      const sendA = alice.agent.sendMessage.mutate({ agent_instance_id: instanceA, content: "A's step" });
      if (kind === "postgres") {
        const { message_id } = await sendA;
        const [a] = await server.deps.db
          .select({ seq: schema.messages.seq })
          .from(schema.messages)
          .where(sql`${schema.messages.id} = ${message_id}`);
        // The interleaving of the issue: A's seq is after B's, A is committed, B is not.
        expect(a?.seq).toBeGreaterThan(seqB);
      }
      // A is committed but must not be delivered ahead of B, which could still commit behind it.
      await quiet();
      expect(stepIds(stream.log)).toEqual([]);

      proxy.drop();
      await stream.log.until("the link to notice the drop", () => stream.log.states.at(-1) === "connecting");
      commitB();
      await writerB;
      await server.deps.bus.publish([
        {
          type: "message",
          userId: alice.userId,
          agentInstanceId: instanceB,
          messageId: messageB,
          senderType: "AGENT",
          requiresUserInput: false,
        },
      ]);
      const messageA = (await sendA).message_id;
      proxy.restore();

      await stream.log.until("both messages", () => stepIds(stream.log).length >= 2, 20_000);
      await quiet();
      expect(stepIds(stream.log)).toEqual([messageB, messageA]);
      expect(stream.log.events.filter(({ event }) => event.type === "connected").map(({ event }) => event)).toEqual([
        { type: "connected", resumed: false },
        { type: "connected", resumed: true },
      ]);

      // Resuming from each delivered position replays exactly what came after it.
      const ids = stream.log.events
        .filter(({ event }) => event.type === "message" && STEPS.has(event.message.content))
        .map(({ id }) => id);
      const client = liveUserClient(server.url, alice.sessionToken);
      for (const [index, lastEventId] of ids.entries()) {
        const again = follow(client, { lastEventId });
        try {
          const expected = [messageB, messageA].slice(index + 1);
          await again.log.until("connected", () => again.log.events.length > 0);
          if (expected.length > 0)
            await again.log.until("the rest", () => stepIds(again.log).length >= expected.length);
          else await quiet();
          expect(stepIds(again.log)).toEqual(expected);
        } finally {
          again.unsubscribe();
        }
      }
    } finally {
      stream.unsubscribe();
    }
  });

  test("status and rename changes are replayed like messages, with the counts after them", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const id = randomUUID();
    const client = liveUserClient(server.url, alice.sessionToken);
    const first = follow(client);
    await first.log.until("connected", () => first.log.events.length > 0);
    await alice.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "x",
      content: "Ship it?",
      requires_user_input: true,
    });
    // The question's transaction also created the instance: the counts close it.
    await first.log.until("the question and the counts", () =>
      first.log.events.some(({ event }) => event.type === "summary"),
    );
    const lastEventId = first.log.events.at(-1)?.id;
    first.unsubscribe();

    await alice.user.reply.mutate({ agent_instance_id: id, content: "yes" });
    await alice.user.renameInstance.mutate({ agent_instance_id: id, name: "Release 2.1" });
    await alice.user.markCompleted.mutate({ agent_instance_id: id });

    const again = follow(client, { lastEventId });
    try {
      await again.log.until("the counts after the replay", () =>
        again.log.events.some(({ event }) => event.type === "summary" && event.summary.completed_instances === 1),
      );
      const replayed = again.log.events.flatMap(({ event }) =>
        event.type === "instance"
          ? [`${event.instance.status}:${event.instance.name}`]
          : event.type === "message"
            ? [`message:${event.message.content}`]
            : [],
      );
      // Replayed in order, each with the instance's row as it is now.
      expect(replayed).toEqual([
        "COMPLETED:Release 2.1",
        "message:yes",
        "COMPLETED:Release 2.1",
        "COMPLETED:Release 2.1",
      ]);
      const summary = again.log.events.find(({ event }) => event.type === "summary")?.event;
      expect(summary).toMatchObject({
        summary: { total_instances: 1, completed_instances: 1, awaiting_input_instances: 0 },
      });
    } finally {
      again.unsubscribe();
    }
  });

  test(`replay is bounded: more than ${REPLAY_BOUND} missed changes is one resync, then the stream is live`, async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const id = await newInstance(alice.agent, "start");
    const client = liveUserClient(server.url, alice.sessionToken);
    const first = follow(client);
    await first.log.until("connected", () => first.log.events.length > 0);
    const marker = await alice.agent.sendMessage.mutate({ agent_instance_id: id, content: "seen" });
    await first.log.until("the marker", () => first.log.messageIds().includes(marker.message_id));
    const lastEventId = first.log.events.find(
      ({ event }) => event.type === "message" && event.message.id === marker.message_id,
    )?.id;
    first.unsubscribe();

    // Changes the client missed, written straight into the feed (as writers do, in bulk).
    const miss = (n: number) =>
      server.deps.db.execute(
        sql`insert into feed_events (user_id, agent_instance_id, kind) select ${alice.userId}::uuid, ${id}::uuid, 'instance' from generate_series(1, ${n})`,
      );
    await miss(REPLAY_BOUND);
    const replay = follow(client, { lastEventId });
    try {
      await replay.log.until(
        "the whole bounded replay",
        () => replay.log.events.filter(({ event }) => event.type === "instance").length === REPLAY_BOUND,
      );
      expect(replay.log.events.some(({ event }) => event.type === "resync")).toBe(false);
    } finally {
      replay.unsubscribe();
    }

    await miss(1);
    const behind = follow(client, { lastEventId });
    try {
      await behind.log.until("the resync", () => behind.log.events.some(({ event }) => event.type === "resync"));
      const live = await alice.agent.sendMessage.mutate({ agent_instance_id: id, content: "after the resync" });
      await behind.log.until("the live message", () => behind.log.messageIds().includes(live.message_id));
      expect(behind.log.events.map(({ event }) => event.type).slice(0, 2)).toEqual(["connected", "resync"]);
      expect(
        behind.log.events.filter(({ event }) => event.type === "instance" && event.instance.id === id).length,
      ).toBeLessThanOrEqual(1);
      expect(behind.log.events.find(({ event }) => event.type === "resync")?.event).toEqual({
        type: "resync",
        reason: "too_far_behind",
      });
    } finally {
      behind.unsubscribe();
    }

    const future = follow(client, { lastEventId: "18446744073709551615.1" });
    try {
      await future.log.until("the resync", () => future.log.events.some(({ event }) => event.type === "resync"));
      expect(future.log.events[1]?.event).toEqual({ type: "resync", reason: "unknown_position" });
    } finally {
      future.unsubscribe();
    }
    const absurd = follow(client, { lastEventId: "99999999999999999999999" });
    try {
      await absurd.log.until("an error", () => absurd.log.error !== undefined);
      expect(absurd.log.error).toMatchObject({ data: { code: "BAD_REQUEST" } });
    } finally {
      absurd.unsubscribe();
    }
  });

  test("a stream whose client leaves while it holds an event ends at once and lets go of the bus", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const id = await newInstance(alice.agent, "start");
    // The server's subscriptions before this stream: it must give all of its own back.
    const before = busSubscriptions(server.deps.bus);
    const abort = new AbortController();
    const stream = await events(server.deps, { userId: alice.userId }, undefined, {}, abort.signal);
    expect((await stream.next()).value?.event).toEqual({ type: "connected", resumed: false });
    const sent = await alice.agent.sendMessage.mutate({ agent_instance_id: id, content: "held" });
    for (;;) {
      const { value } = await stream.next();
      if (!value) throw new Error("the stream ended");
      if (value.event.type === "message" && value.event.message.id === sent.message_id) break;
    }
    expect(busSubscriptions(server.deps.bus)).toBeGreaterThan(before);
    // The client leaves while the stream is held at that event (the socket closed mid-write): the
    // abort finds the stream between waits. Resumed, it must end now, not at the next re-read
    // (30 s away; LIVE_WITHIN_MS leaves a loaded machine room and still tells the two apart).
    abort.abort();
    const ended = await Promise.race([
      (async () => {
        while (!(await stream.next()).done) {}
        return "ended";
      })(),
      new Promise((resolve) => setTimeout(() => resolve(`still running after ${LIVE_WITHIN_MS} ms`), LIVE_WITHIN_MS)),
    ]);
    expect(ended).toBe("ended");
    expect(busSubscriptions(server.deps.bus)).toBe(before);
  });

  test("a stream nobody reads holds no queue: when read again past the bound, it resyncs", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const id = await newInstance(alice.agent, "start");
    const abort = new AbortController();
    const stream = await events(server.deps, { userId: alice.userId }, undefined, {}, abort.signal);
    try {
      expect((await stream.next()).value?.event).toEqual({ type: "connected", resumed: false });
      const sent = await alice.agent.sendMessage.mutate({ agent_instance_id: id, content: "read at once" });
      for (;;) {
        const { value } = await stream.next();
        if (value?.event.type === "message" && value.event.message.id === sent.message_id) break;
        if (!value) throw new Error("the stream ended");
      }

      // The client stops reading (a slow tab: SSE backpressure stops pulling the stream) while
      // far more than the bound is written and published.
      await server.deps.db.execute(
        sql`insert into feed_events (user_id, agent_instance_id, kind) select ${alice.userId}::uuid, ${id}::uuid, 'instance' from generate_series(1, ${REPLAY_BOUND * 3})`,
      );
      for (let i = 0; i < 50; i++) {
        await server.deps.bus.publish([
          { type: "instance", userId: alice.userId, agentInstanceId: id, status: "ACTIVE" },
        ]);
      }
      const types: string[] = [];
      for (;;) {
        const next = await stream.next();
        if (!next.value) break;
        types.push(next.value.event.type);
        if (next.value.event.type === "resync") break;
      }
      // At most a page of the backlog is read before the stream sees how far behind it is. The
      // page that held "read at once" may close with its counts (a summary) first: it does when
      // that page also replayed the instance's creation, which a fresh stream does whenever any
      // transaction on the cluster was running as it started (feedHead is the snapshot's xmin).
      expect(types.at(-1)).toBe("resync");
      const backlogRead = types.filter((type) => type !== "summary");
      expect(backlogRead.length).toBeLessThanOrEqual(101);
      expect(types.filter((type) => type === "summary").length).toBeLessThanOrEqual(1);
    } finally {
      abort.abort();
      await stream.return(undefined);
    }
  });
});
