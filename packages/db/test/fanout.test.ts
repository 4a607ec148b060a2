import { describe, expect, test } from "vitest";
import type { BusEvent } from "../src/bus.ts";
import { Fanout } from "../src/fanout.ts";

const message = (userId: string, agentInstanceId: string): BusEvent => ({
  type: "message",
  userId,
  agentInstanceId,
  messageId: `${agentInstanceId}-m`,
  senderType: "USER",
  requiresUserInput: false,
});

describe("Fanout: each event reaches only its audience", () => {
  test("by instance, by user and everything, in that order; nobody else is visited", () => {
    const fanout = new Fanout();
    const heard: string[] = [];
    const hear = (who: string) => (event: BusEvent) => heard.push(`${who}:${event.agentInstanceId}`);
    fanout.subscribe({ userId: "alice" }, hear("alice-tab"));
    fanout.subscribe({ agentInstanceId: "a1" }, hear("a1-wait"));
    fanout.subscribe({ agentInstanceId: "b1" }, hear("b1-wait"));
    fanout.subscribe({ all: true }, hear("dispatcher"));

    fanout.deliver(message("alice", "a1"));
    fanout.deliver(message("bob", "b1"));
    fanout.deliver({ type: "cliLogin", userId: "", agentInstanceId: "login-1" });
    // The waiting agent first, then the user's tabs, then the dispatchers.
    expect(heard).toEqual([
      "a1-wait:a1",
      "alice-tab:a1",
      "dispatcher:a1",
      "b1-wait:b1",
      "dispatcher:b1",
      "dispatcher:login-1",
    ]);
  });

  test("unsubscribing removes exactly one subscription, even of the same function twice, and empties the index", () => {
    const fanout = new Fanout();
    let calls = 0;
    const handler = () => {
      calls += 1;
    };
    const first = fanout.subscribe({ agentInstanceId: "a1" }, handler);
    const second = fanout.subscribe({ agentInstanceId: "a1" }, handler);
    fanout.deliver(message("alice", "a1"));
    expect(calls).toBe(2);
    first();
    first();
    fanout.deliver(message("alice", "a1"));
    expect(calls).toBe(3);
    second();
    expect(fanout.size).toBe(0);
  });

  test("a handler may unsubscribe itself while the event is being delivered", () => {
    const fanout = new Fanout();
    const heard: string[] = [];
    const stop = fanout.subscribe({ userId: "alice" }, () => {
      heard.push("once");
      stop();
    });
    fanout.subscribe({ userId: "alice" }, () => heard.push("always"));
    fanout.deliver(message("alice", "a1"));
    fanout.deliver(message("alice", "a1"));
    expect(heard).toEqual(["once", "always", "always"]);
  });
});

test("a reconnect reaches every reconnect handler until it unsubscribes", () => {
  const fanout = new Fanout();
  let calls = 0;
  const stop = fanout.onReconnect(() => {
    calls += 1;
  });
  fanout.reconnected();
  stop();
  fanout.reconnected();
  expect(calls).toBe(1);
});
