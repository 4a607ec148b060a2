import type { Message } from "@omnara/contracts";
import { describe, expect, test } from "vitest";
import { dayLabel, groupMessages } from "../src/lib/time-groups.ts";

let n = 0;
const message = (sender: Message["sender_type"], at: Date): Message => ({
  id: `m${++n}`,
  agent_instance_id: "i",
  content: "x",
  sender_type: sender,
  sender_user_id: null,
  requires_user_input: false,
  message_metadata: null,
  created_at: at.toISOString(),
});
const at = (h: number, m: number, day = 10) => new Date(2025, 5, day, h, m);

describe("groupMessages", () => {
  test("one sender's messages within 5 minutes of each other share a group", () => {
    const days = groupMessages([
      message("AGENT", at(9, 0)),
      message("AGENT", at(9, 4)),
      message("AGENT", at(9, 8)), // 4 min after the previous: still one run
      message("AGENT", at(9, 14)), // 6 min gap: a new group
    ]);
    expect(days).toHaveLength(1);
    expect(days[0]?.groups.map((g) => g.messages.length)).toEqual([3, 1]);
  });

  test("a change of sender starts a group", () => {
    const days = groupMessages([message("AGENT", at(9, 0)), message("USER", at(9, 1)), message("AGENT", at(9, 2))]);
    expect(days[0]?.groups.map((g) => g.sender)).toEqual(["AGENT", "USER", "AGENT"]);
  });

  test("a new local day starts a day and a group", () => {
    const days = groupMessages([message("AGENT", at(23, 58, 10)), message("AGENT", at(0, 1, 11))]);
    expect(days.map((d) => [d.day, d.groups.length])).toEqual([
      ["2025-06-10", 1],
      ["2025-06-11", 1],
    ]);
  });

  test("no messages, no days", () => {
    expect(groupMessages([])).toEqual([]);
  });
});

describe("dayLabel", () => {
  const now = new Date(2025, 5, 11, 12, 0);
  test("today and yesterday by name", () => {
    expect(dayLabel("2025-06-11", now)).toBe("Today");
    expect(dayLabel("2025-06-10", now)).toBe("Yesterday");
    expect(dayLabel("2025-06-01", now)).not.toMatch(/Today|Yesterday/);
  });
});
