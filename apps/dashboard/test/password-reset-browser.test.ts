import { eventually, newUserWithKey, type TestServer } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };

/** Forgot password in Chromium; without SMTP the server prints the link, which the test opens. */
describe.skipIf(skipBrowser)("password reset in Chromium", () => {
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

  test("ask from sign-in, open the link, set a new password, sign in with it", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(alice.email);
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await page.getByTestId("reset-sent").waitFor();
    const line = await eventually(
      "the printed link",
      () => server.notices.find((n) => n.includes(alice.email)),
      10_000,
    );
    const link = line.match(/https?:\/\/\S+reset-password\?token=[\w-]+/)?.[0] ?? "";
    await page.goto(link);
    await page.getByLabel("New password").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByTestId("reset-done").waitFor();
    // Used once: the same link now says so.
    await page.goto(link);
    await page.getByLabel("New password").fill("yet another passphrase");
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByRole("alert").filter({ hasText: "already used" }).waitFor();

    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email").fill(alice.email);
    await page.getByLabel("Password").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    expect(new URL(page.url()).pathname).not.toContain("sign-in");
  });
});
