import { describe, expect, test } from "vitest";
import type { BusEvent } from "../src/bus.ts";
import { chunkPayloads, NotifyBatcher } from "../src/notify-batcher.ts";

const event = (n: number): BusEvent => ({
  type: "heartbeat",
  userId: `user-${n}`,
  agentInstanceId: `instance-${n}`,
  at: new Date(0).toISOString(),
});

describe("NotifyBatcher", () => {
  test("events published while a NOTIFY is in flight go out together in the next one", async () => {
    const sent: string[][] = [];
    let release: () => void = () => {};
    const batcher = new NotifyBatcher(async (payloads) => {
      sent.push(payloads);
      if (sent.length === 1) {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      }
    });
    const first = batcher.publish([event(1)]);
    const second = batcher.publish([event(2)]);
    const third = batcher.publish([event(3), event(4)]);
    release();
    await Promise.all([first, second, third]);
    expect(sent.map((payloads) => payloads.flatMap((p) => JSON.parse(p).map((e: BusEvent) => e.userId)))).toEqual([
      ["user-1"],
      ["user-2", "user-3", "user-4"],
    ]);
  });

  test("a failed NOTIFY rejects the publishers of that batch only", async () => {
    let calls = 0;
    const batcher = new NotifyBatcher(async () => {
      calls += 1;
      if (calls === 1) throw new Error("connection lost");
    });
    await expect(batcher.publish([event(1)])).rejects.toThrow("connection lost");
    await expect(batcher.publish([event(2)])).resolves.toBeUndefined();
  });

  test("payloads stay under NOTIFY's 8000-byte limit and keep every event", () => {
    const events = Array.from({ length: 500 }, (_, n) => event(n));
    const payloads = chunkPayloads(events);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap((p) => JSON.parse(p))).toEqual(events);
  });
});
