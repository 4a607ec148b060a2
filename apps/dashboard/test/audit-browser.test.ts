import { readFileSync } from "node:fs";
import { newUserWithKey, type TestServer } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };

/** Settings → Audit in Chromium: the decisions listed with device and time, and the export. */
describe.skipIf(skipBrowser)("the audit in Settings", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, page } = dashboard);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  test("a rename and a key revocation show up with who and which device; CSV and JSON export", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const id = crypto.randomUUID();
    await alice.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "codex", content: "working" });
    await alice.user.renameInstance.mutate({ agent_instance_id: id, name: "Nightly build" });
    await alice.user.revokeApiKey.mutate({ id: alice.apiKeyId });
    await page.goto(`${server.url}/sign-in`);
    await page.evaluate((token: string) => localStorage.setItem("omnara.session", token), alice.sessionToken);
    await page.goto(`${server.url}/settings`);
    const rows = page.getByTestId("audit-row");
    await rows.nth(2).waitFor();
    const texts = await rows.allTextContents();
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain("Revoked an API key");
    expect(texts[1]).toContain("Renamed an instance");
    expect(texts[1]).toContain("to: Nightly build");
    expect(texts[2]).toContain("Created an API key");
    expect(texts[1]).toContain(alice.email);

    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const csvText = readFileSync(await csv.path(), "utf8");
    expect(csvText.split("\r\n")[0]).toMatch(/^created_at,action,actor_id/);
    expect(csvText).toContain("instance.rename");
    const [json] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export JSON" }).click(),
    ]);
    const exported: { action: string }[] = JSON.parse(readFileSync(await json.path(), "utf8"));
    expect(exported.map((e) => e.action)).toEqual(["api_key.revoke", "instance.rename", "api_key.create"]);
  });
});
