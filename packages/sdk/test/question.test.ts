import { expect, test } from "vitest";
import { RateLimitError } from "../src/errors.ts";
import { formatQuestion, matchChoice } from "../src/question.ts";
import { backoffDelay, defaultRetryPolicy } from "../src/retry.ts";

test("options are rendered with Omnara's [OPTIONS] block, yes/no with [YES/NO]", () => {
  expect(formatQuestion("Which?", ["a", " b "])).toBe("Which?\n\n[OPTIONS]\n1. a\n2. b\n[/OPTIONS]");
  expect(formatQuestion("Deploy?", "yes/no")).toBe("Deploy? [YES/NO]");
  expect(formatQuestion("Free text?", undefined)).toBe("Free text?");
  expect(() => formatQuestion("Which?", ["a", ""])).toThrow(/one non-empty line/);
});

test("a reply picks an option by text (any case) or by number", () => {
  const choices = ["Staging", "Production"];
  expect(matchChoice("production", choices)).toBe("Production");
  expect(matchChoice(" 1 ", choices)).toBe("Staging");
  expect(matchChoice("3", choices)).toBeUndefined();
  expect(matchChoice("prod please", choices)).toBeUndefined();
  expect(matchChoice("Y", "yes/no")).toBe("yes");
  expect(matchChoice("No.", "yes/no")).toBe("no");
  expect(matchChoice("maybe", "yes/no")).toBeUndefined();
  expect(matchChoice("yes", undefined)).toBeUndefined();
});

test("backoff grows exponentially with jitter, is capped, and yields to Retry-After", () => {
  const policy = { ...defaultRetryPolicy, minDelayMs: 100, maxDelayMs: 1_000 };
  for (let retry = 0; retry < 8; retry += 1) {
    const ceiling = Math.min(1_000, 100 * 2 ** retry);
    const delay = backoffDelay(policy, retry);
    expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
    expect(delay).toBeLessThanOrEqual(ceiling);
  }
  const limited = new RateLimitError("TOO_MANY_REQUESTS", "slow down", { retryAfterMs: 5_000 });
  expect(backoffDelay(policy, 0, limited)).toBeGreaterThanOrEqual(5_000);
});
