import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, test, vi } from "vitest";
import { signToken, tokenAudiences, verifyToken } from "../src/auth/tokens.ts";

// A verified token is remembered; what it is remembered for must still be checked every call.
describe("verifyToken remembers a verified token, and still refuses it", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test("once it expired, though it verified before", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-03T08:00:00.000Z"));
    const secret = randomBytes(32);
    const token = await signToken(
      { sub: "user-1", jti: "key-1" },
      secret,
      new Date("2026-12-03T08:00:02.000Z"),
      tokenAudiences.agent,
    );
    expect(await verifyToken(token, secret, tokenAudiences.agent)).toEqual({ sub: "user-1", jti: "key-1" });
    vi.setSystemTime(new Date("2026-12-03T08:00:01.999Z"));
    expect(await verifyToken(token, secret, tokenAudiences.agent)).toEqual({ sub: "user-1", jti: "key-1" });
    vi.setSystemTime(new Date("2026-12-03T08:00:02.000Z"));
    expect(await verifyToken(token, secret, tokenAudiences.agent)).toBeUndefined();
    vi.setSystemTime(new Date("2026-12-03T08:00:00.000Z"));
    // Dropped once expired, then checked in full again (the clock went back, as clocks may).
    expect(await verifyToken(token, secret, tokenAudiences.agent)).toEqual({ sub: "user-1", jti: "key-1" });
  });

  test("for another audience or under another secret", async () => {
    const secret = randomBytes(32);
    const token = await signToken({ sub: "user-2", jti: "session-2" }, secret, null, tokenAudiences.user);
    expect(await verifyToken(token, secret, tokenAudiences.user)).toEqual({ sub: "user-2", jti: "session-2" });
    expect(await verifyToken(token, secret, tokenAudiences.agent)).toBeUndefined();
    expect(await verifyToken(token, randomBytes(32), tokenAudiences.user)).toBeUndefined();
    expect(await verifyToken(token, secret, tokenAudiences.user)).toEqual({ sub: "user-2", jti: "session-2" });
  });

  test("with its signature changed", async () => {
    const secret = randomBytes(32);
    const token = await signToken({ sub: "user-3", jti: "key-3" }, secret, null, tokenAudiences.agent);
    expect(await verifyToken(token, secret, tokenAudiences.agent)).toBeDefined();
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(await verifyToken(`${token.slice(0, -1)}${last}`, secret, tokenAudiences.agent)).toBeUndefined();
  });
});
