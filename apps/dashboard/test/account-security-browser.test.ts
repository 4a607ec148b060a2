import { newUserWithKey, publicClient, type TestServer, userClient } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };
const PASSWORD = "correct horse battery";

/** Account security in Chromium: sessions with devices, signing one out, and the expired-session notice. */
describe.skipIf(skipBrowser)("account security in Chromium", () => {
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

  test("the sessions list names each device; one signs out; a session ended elsewhere says so at sign-in", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email").fill(alice.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    await page.goto(`${server.url}/settings`);
    const rows = page.getByTestId("session-row");
    // The test's own session (newUserWithKey) and this browser's.
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const mine = rows.filter({ hasText: "This device" });
    expect(await mine.textContent()).toContain("Chrome on Linux");
    await page.getByRole("button", { name: /^Sign out Unknown device|^Sign out node/ }).click();
    await expect.poll(() => rows.count(), WAIT).toBe(1);
    await expect(userClient(server.url, alice.sessionToken).me.query({})).rejects.toMatchObject({
      data: { code: "UNAUTHORIZED" },
    });

    // Signed out from another device: the open dashboard lands on sign-in and says why.
    const other = await publicClient(server.url).signIn.mutate({ email: alice.email, password: PASSWORD });
    await userClient(server.url, other.token).signOutEverywhere.mutate({});
    await page.getByTestId("session-expired").waitFor();
    expect(page.url()).toContain("/sign-in");
  });

  test("a new key's raw value is shown once, and no longer once that key is revoked", async () => {
    const bob = await newUserWithKey(server.url, "bob");
    await page.evaluate((token: string) => localStorage.setItem("omnara.session", token), bob.sessionToken);
    await page.goto(`${server.url}/api-keys`);
    const form = page.getByRole("form", { name: "Create an API key" });
    await form.getByLabel("Name").fill("Shown once");
    await form.getByRole("button", { name: "Create key" }).click();
    const raw = page.getByTestId("new-api-key");
    await raw.waitFor();
    expect(await raw.textContent()).toMatch(/\S{20,}/);
    await page.getByRole("button", { name: "Revoke Shown once" }).click();
    await page.getByRole("button", { name: "Revoke key" }).click();
    await raw.waitFor({ state: "detached" });
    expect(await page.getByRole("button", { name: "Copy key" }).count()).toBe(0);
  });
});
