import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "@omnara/config";
import { firstLine } from "@omnara/core";
import { createProviders } from "@omnara/notify";
import { describe, expect, test } from "vitest";
import { displayAgentName } from "../src/content.ts";
import { isQuietTime } from "../src/quiet-hours.ts";

describe("quiet hours", () => {
  const at = (iso: string) => new Date(iso);
  const overnight = { enabled: true, start: "22:00", end: "07:00", timeZone: "Europe/Paris" };

  test("span midnight in the user's time zone", () => {
    // 21:30 UTC is 22:30 in Paris in winter.
    expect(isQuietTime(at("2026-01-15T21:30:00Z"), overnight)).toBe(true);
    expect(isQuietTime(at("2026-01-15T05:59:00Z"), overnight)).toBe(true);
    expect(isQuietTime(at("2026-01-15T06:00:00Z"), overnight)).toBe(false);
    expect(isQuietTime(at("2026-01-15T12:00:00Z"), overnight)).toBe(false);
  });

  test("a daytime range, and off when disabled or empty", () => {
    const lunch = { enabled: true, start: "12:00", end: "13:00", timeZone: "UTC" };
    expect(isQuietTime(at("2026-01-15T12:30:00Z"), lunch)).toBe(true);
    expect(isQuietTime(at("2026-01-15T13:00:00Z"), lunch)).toBe(false);
    expect(isQuietTime(at("2026-01-15T12:30:00Z"), { ...lunch, enabled: false })).toBe(false);
    expect(isQuietTime(at("2026-01-15T12:30:00Z"), { ...lunch, end: "12:00" })).toBe(false);
  });
});

describe("what leaves the server", () => {
  test("only the first non-blank line, cut to a lock screen's length", () => {
    expect(firstLine("\n\n  Deploy now?  \nsecret: abc")).toBe("Deploy now?");
    const long = firstLine("x".repeat(500));
    expect(Array.from(long)).toHaveLength(140);
    expect(long.endsWith("…")).toBe(true);
    // Never splits a surrogate pair.
    expect(firstLine("😀".repeat(200)).startsWith("😀")).toBe(true);
  });

  test("agent names read as names", () => {
    expect(displayAgentName("claude code")).toBe("Claude Code");
    expect(displayAgentName("open-interpreter")).toBe("Open-Interpreter");
  });
});

describe("configuration", () => {
  test("every provider is off without settings except Web Push, whose VAPID keys are generated once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "omnara-config-"));
    const config = loadConfig({ OMNARA_DATA_DIR: dataDir });
    expect(config.notifications).toMatchObject({
      dedupeWindowSeconds: 30,
      apns: undefined,
      fcm: undefined,
      smtp: undefined,
    });
    const providers = createProviders(config.notifications, { dataDir, publicUrl: undefined });
    expect(Object.keys(providers)).toEqual(["web_push"]);
    const stored = JSON.parse(readFileSync(join(dataDir, "vapid.json"), "utf8"));
    expect(providers.web_push?.publicKey).toBe(stored.public_key);
    const again = createProviders(config.notifications, { dataDir, publicUrl: undefined });
    expect(again.web_push?.publicKey).toBe(stored.public_key);

    const off = loadConfig({
      OMNARA_DATA_DIR: mkdtempSync(join(tmpdir(), "omnara-config-")),
      OMNARA_WEB_PUSH_ENABLED: "false",
    });
    expect(createProviders(off.notifications, { dataDir: off.dataDir, publicUrl: undefined })).toEqual({});
    expect(existsSync(join(off.dataDir, "vapid.json"))).toBe(false);
  });

  test("half an APNs or VAPID configuration is refused at start", () => {
    expect(() => loadConfig({ OMNARA_APNS_KEY_ID: "ABC" })).toThrow(ConfigError);
    expect(() => loadConfig({ OMNARA_VAPID_PUBLIC_KEY: "x" })).toThrow(/both OMNARA_VAPID_PUBLIC_KEY/);
    expect(() => loadConfig({ OMNARA_VAPID_SUBJECT: "ops@example.com" })).toThrow(/mailto:/);
  });
});
