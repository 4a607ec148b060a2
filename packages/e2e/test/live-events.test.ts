import { randomUUID } from "node:crypto";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startDroppingProxy } from "./support/dropping-proxy.ts";
import { follow, liveUserClient } from "./support/live-client.ts";

describeEachDatabase("user.events: the dashboard's live stream", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("messages and status changes arrive live with full rows; user B hears nothing of A's", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const bob = await newUserWithKey(server.url, "bob");
    const aliceStream = follow(liveUserClient(server.url, alice.sessionToken));
    const bobStream = follow(liveUserClient(server.url, bob.sessionToken));
    try {
      await aliceStream.log.until("alice connected", () => aliceStream.log.events.length > 0);
      await bobStream.log.until("bob connected", () => bobStream.log.events.length > 0);
      expect(aliceStream.log.events[0]?.event).toEqual({ type: "connected", resumed: false });

      const id = randomUUID();
      const step = await alice.agent.sendMessage.mutate({
        agent_instance_id: id,
        agent_type: "claude code",
        content: "Reading the repo",
      });
      const question = await alice.agent.sendMessage.mutate({
        agent_instance_id: id,
        content: "Ship it? [YES/NO]",
        requires_user_input: true,
      });
      await aliceStream.log.until("alice's two messages", () => aliceStream.log.messageIds().length === 2);
      expect(aliceStream.log.messageIds()).toEqual([step.message_id, question.message_id]);
      const asked = aliceStream.log.events.find(
        ({ event }) => event.type === "message" && event.message.id === question.message_id,
      );
      expect(asked?.event).toMatchObject({
        type: "message",
        message: { content: "Ship it? [YES/NO]", requires_user_input: true, sender_type: "AGENT" },
        instance: { id, status: "AWAITING_INPUT", agent_type_name: "claude code" },
      });

      await alice.user.reply.mutate({ agent_instance_id: id, content: "yes" });
      await aliceStream.log.until("the instance back to ACTIVE", () =>
        aliceStream.log.events.some(({ event }) => event.type === "instance" && event.instance.status === "ACTIVE"),
      );

      // Bob's own event arrives after all of Alice's were published: had any of hers leaked to
      // his stream, it would be there before it.
      const bobsId = randomUUID();
      await bob.agent.sendMessage.mutate({ agent_instance_id: bobsId, agent_type: "cursor", content: "mine" });
      await bobStream.log.until("bob's own message", () => bobStream.log.messageIds().length === 1);
      const bobInstances = bobStream.log.events.flatMap(({ event }) =>
        event.type === "message" || event.type === "instance" ? [event.instance.id] : [],
      );
      expect(new Set(bobInstances)).toEqual(new Set([bobsId]));
    } finally {
      aliceStream.unsubscribe();
      bobStream.unsubscribe();
    }
  });

  test("after a dropped connection it resumes from the last event id: nothing lost, nothing twice", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    await using proxy = Object.assign(await startDroppingProxy(new URL(server.url)), {
      [Symbol.asyncDispose]: () => proxy.close(),
    });
    const stream = follow(liveUserClient(proxy.url, alice.sessionToken));
    try {
      await stream.log.until("connected", () => stream.log.events.length > 0);
      const id = randomUUID();
      const sent = [await alice.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "one" })];
      await stream.log.until("the first message", () => stream.log.messageIds().length === 1);

      proxy.drop();
      await stream.log.until("the link to notice the drop", () => stream.log.states.at(-1) === "connecting");
      for (const content of ["two", "three", "four"]) {
        sent.push(await alice.agent.sendMessage.mutate({ agent_instance_id: id, content }));
      }
      proxy.restore();

      await stream.log.until("the missed messages", () => stream.log.messageIds().length >= 4, 20_000);
      // One more live message after the catch-up proves the stream is live again, not a replay.
      sent.push(await alice.agent.sendMessage.mutate({ agent_instance_id: id, content: "five" }));
      await stream.log.until("the live message", () => stream.log.messageIds().length >= 5);
      expect(stream.log.messageIds()).toEqual(sent.map((s) => s.message_id));
      const connects = stream.log.events.filter(({ event }) => event.type === "connected").map(({ event }) => event);
      expect(connects).toEqual([
        { type: "connected", resumed: false },
        { type: "connected", resumed: true },
      ]);
    } finally {
      stream.unsubscribe();
    }
  });

  test("an explicit lastEventId replays exactly the messages after it", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const client = liveUserClient(server.url, alice.sessionToken);
    const id = randomUUID();
    const first = follow(client);
    await first.log.until("connected", () => first.log.events.length > 0);
    await alice.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "seen" });
    await first.log.until("one message", () => first.log.messageIds().length === 1);
    const lastId = first.log.events.at(-1)?.id;
    first.unsubscribe();

    const missed = await alice.agent.sendMessage.mutate({ agent_instance_id: id, content: "missed" });
    const again = follow(client, { lastEventId: lastId });
    try {
      await again.log.until("the missed message", () => again.log.messageIds().length === 1);
      expect(again.log.messageIds()).toEqual([missed.message_id]);
      expect(again.log.events[0]?.event).toEqual({ type: "connected", resumed: true });
    } finally {
      again.unsubscribe();
    }
  });

  test("scoped to one instance: another user's instance is not found, and no token is refused", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const bob = await newUserWithKey(server.url, "bob");
    const id = randomUUID();
    const first = await alice.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "private" });

    const spying = follow(liveUserClient(server.url, bob.sessionToken), { agent_instance_id: id });
    await spying.log.until("an error", () => spying.log.error !== undefined);
    expect(spying.log.error).toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(spying.log.messageIds()).toEqual([]);
    spying.unsubscribe();

    const anonymous = follow(liveUserClient(server.url, "not-a-token"));
    await anonymous.log.until("an error", () => anonymous.log.error !== undefined);
    expect(anonymous.log.error).toMatchObject({ data: { code: "UNAUTHORIZED" } });
    anonymous.unsubscribe();

    const own = follow(liveUserClient(server.url, alice.sessionToken), { agent_instance_id: id });
    try {
      await own.log.until("connected", () => own.log.events.length > 0);
      const other = randomUUID();
      await alice.agent.sendMessage.mutate({ agent_instance_id: other, agent_type: "x", content: "elsewhere" });
      const here = await alice.agent.sendMessage.mutate({ agent_instance_id: id, content: "here" });
      await own.log.until("the message on this instance", () => own.log.messageIds().includes(here.message_id));
      // A fresh stream starts at the oldest running transaction (cluster-wide on Postgres, so any
      // other test's open transaction), so the message written before it may come again; the
      // other instance's message, written after it connected, must not come at all.
      expect(own.log.messageIds().filter((messageId) => messageId !== first.message_id)).toEqual([here.message_id]);
    } finally {
      own.unsubscribe();
    }
  });
});
