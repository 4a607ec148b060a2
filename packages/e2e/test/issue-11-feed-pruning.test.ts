import { randomUUID } from "node:crypto";
import { FEED_ROWS_KEPT, pruneFeed, REPLAY_BOUND } from "@omnara/core";
import { schema } from "@omnara/db";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { and, count, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { follow, liveUserClient } from "./support/live-client.ts";

/**
 * The change feed is bounded: each user keeps the newest FEED_ROWS_KEPT rows. A stream resuming
 * from a position whose later rows were pruned is told to resync, on the user's stream and on an
 * instance's, never replayed with a hole; one within the kept rows replays exactly what it missed.
 */
describeEachDatabase("issue 11: feed_events is pruned to a bound, and resumes past it resync", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("pruning keeps each user's newest rows; resumes from before the cut resync, after it replay", async () => {
    const { db } = server.deps;
    const alice = await newUserWithKey(server.url, "alice");
    const bob = await newUserWithKey(server.url, "bob");
    const [busy, quiet] = [randomUUID(), randomUUID()];
    for (const id of [busy, quiet]) {
      await alice.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "prune", content: "start" });
    }
    await bob.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: "prune", content: "bob" });

    // A position from a stream open now: everything below is known to it.
    const head = follow(liveUserClient(server.url, alice.sessionToken));
    await head.log.until("connected", () => head.log.events.length > 0);
    head.unsubscribe();
    const old = head.log.events[0]?.id ?? "";

    // The quiet instance's changes come first (the oldest, pruned), then many on the busy one.
    const rows = (id: string, n: number) =>
      Array.from({ length: n }, () => ({ userId: alice.userId, agentInstanceId: id, kind: "instance" as const }));
    await db.insert(schema.feedEvents).values(rows(quiet, 3));
    await db.insert(schema.feedEvents).values(rows(busy, FEED_ROWS_KEPT + 300));

    const rowsOf = async (userId: string) =>
      (await db.select({ n: count() }).from(schema.feedEvents).where(eq(schema.feedEvents.userId, userId)))[0]?.n;
    const bobBefore = await rowsOf(bob.userId);
    const aliceBefore = (await rowsOf(alice.userId)) ?? 0;
    expect(await pruneFeed(db)).toBe(aliceBefore - FEED_ROWS_KEPT);
    expect(await rowsOf(alice.userId)).toBe(FEED_ROWS_KEPT);
    expect(await rowsOf(bob.userId)).toBe(bobBefore);
    // Pruning again changes nothing: the table stays at the bound.
    expect(await pruneFeed(db)).toBe(0);
    const quietLeft = await db
      .select({ n: count() })
      .from(schema.feedEvents)
      .where(and(eq(schema.feedEvents.userId, alice.userId), eq(schema.feedEvents.agentInstanceId, quiet)));
    expect(quietLeft[0]?.n).toBe(0);

    const resumed = async (
      input: { lastEventId: string; agent_instance_id?: string },
      until: (n: number) => boolean,
    ) => {
      const stream = follow(liveUserClient(server.url, alice.sessionToken), input);
      try {
        await stream.log.until("the replay", () => until(stream.log.events.length));
        return stream.log.events.map(({ event }) => event.type);
      } finally {
        stream.unsubscribe();
      }
    };
    // The user's stream from before the cut: more than the bound behind.
    expect(await resumed({ lastEventId: old }, (n) => n >= 2)).toEqual(["connected", "resync"]);
    // The quiet instance's stream: its own rows were pruned, nothing of it is left to count, and
    // still it resyncs rather than replaying nothing.
    expect(await resumed({ lastEventId: old, agent_instance_id: quiet }, (n) => n >= 2)).toEqual([
      "connected",
      "resync",
    ]);

    // Within the kept rows and the bound: exactly what came after, no resync.
    const behind = REPLAY_BOUND - 1;
    const recent = await db
      .select({ id: schema.feedEvents.id, xid: schema.feedEvents.xid })
      .from(schema.feedEvents)
      .where(eq(schema.feedEvents.userId, alice.userId))
      .orderBy(desc(schema.feedEvents.xid), desc(schema.feedEvents.id))
      .offset(behind)
      .limit(1);
    const from = `${recent[0]?.xid}.${recent[0]?.id}`;
    const replay = await resumed({ lastEventId: from, agent_instance_id: busy }, (n) => n >= behind + 1);
    expect(replay[0]).toBe("connected");
    expect(replay.slice(1, behind + 1).every((type) => type === "instance")).toBe(true);
    expect(replay).not.toContain("resync");
  }, 60_000);
});
