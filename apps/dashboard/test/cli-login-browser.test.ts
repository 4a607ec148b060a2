import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { rest, type TestServer } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dashboardDir } from "../scripts/ensure-built.ts";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";
import { isolatedHome, type OmnaraProcess, startOmnara } from "./support/omnara-cli.ts";

const screenshots = resolve(dashboardDir, "../../docs/screenshots");
const WAIT = { timeout: 10_000 };
const LINK = /open (\S+\/cli-login\?code=([A-Z0-9]{4}-[A-Z0-9]{4}))/;

describe.skipIf(skipBrowser)("omnara login, confirmed in the dashboard in Chromium", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let page: Page;
  const started: OmnaraProcess[] = [];

  /** The real CLI against the real server, as `omnara login --base-url <url>` in a clean HOME. */
  const login = async () => {
    const { env, home } = isolatedHome();
    const cli = startOmnara(["login", "--base-url", server.url], env);
    started.push(cli);
    const [, url = "", code = ""] = await cli.waitForOutput(LINK);
    return { cli, home, url, code, credentials: join(home, ".omnara", "credentials.json") };
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, page } = dashboard);
  }, 120_000);

  afterAll(async () => {
    for (const { child } of started) if (child.exitCode === null) child.kill();
    await dashboard?.close();
  });

  test("signed out: the link leads through sign-up and back; Approve hands the CLI a working key, stored 0600", async () => {
    const { cli, url, code, credentials } = await login();
    expect(url).toBe(`${server.url}/cli-login?code=${code}`);

    await page.goto(url);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByText("confirm the code your terminal shows").waitFor();
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/sign-up\?next=/);
    await page.getByLabel("Email").fill(`grace-${randomUUID().slice(0, 6)}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((at) => at.pathname === "/cli-login" && at.searchParams.get("code") === code);

    await page.getByRole("heading", { name: "Sign in the Omnara CLI?" }).waitFor();
    expect(await page.getByTestId("cli-login-code").textContent()).toBe(code);
    expect(await page.getByTestId("cli-login-client").textContent()).toBe(hostname());
    expect(await page.getByTestId("cli-login-expires").textContent()).toMatch(/^in \d+ min/);
    for (const [label, viewport] of [
      ["desktop", { width: 1280, height: 800 }],
      ["mobile", { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await page.screenshot({ path: join(screenshots, `cli-login-${label}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole("button", { name: "Approve" }).click();
    await page.locator('[data-testid="cli-login-outcome"][data-status="approved"]').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("CLI signed in");

    expect(await cli.exitCode()).toBe(0);
    expect(cli.output()).toContain("Signed in as grace-");
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const stored: unknown = JSON.parse(readFileSync(credentials, "utf8"));
    expect(stored).toMatchObject({ api_key: expect.any(String), base_url: server.url });
    const apiKey = typeof stored === "object" && stored !== null && "api_key" in stored ? String(stored.api_key) : "";
    expect((await rest(server.url, "GET", "/api/v1/auth/verify", { token: apiKey })).status).toBe(200);

    // The key is the user's, listed under the host's name.
    await page.getByRole("link", { name: "Manage API keys" }).click();
    await page
      .getByTestId("api-key")
      .filter({ hasText: `CLI on ${hostname()}` })
      .waitFor();
    // A CLI process started and awaited as well as the pages: 9 s at load 8, each wait bounded.
  }, 60_000);

  test("signed in, code typed by hand: Deny ends the CLI with an error and stores nothing", async () => {
    const { cli, code, credentials } = await login();
    await page.goto(`${server.url}/cli-login`);
    await page.getByLabel("Code from your terminal").fill(code.toLowerCase().replace("-", " "));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Sign in the Omnara CLI?" }).waitFor();
    expect(await page.getByTestId("cli-login-code").textContent()).toBe(code);

    await page.getByRole("button", { name: "Deny" }).click();
    await page.locator('[data-testid="cli-login-outcome"][data-status="denied"]').waitFor();
    expect(await cli.exitCode()).not.toBe(0);
    expect(cli.output()).toContain("denied");
    expect(existsSync(credentials)).toBe(false);

    // Reopening the link shows the decision, not the buttons again.
    await page.goto(`${server.url}/cli-login?code=${code}`);
    await page.locator('[data-testid="cli-login-outcome"][data-status="denied"]').waitFor();
    expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
  }, 60_000);

  test("an unknown or malformed code says so and offers the field again", async () => {
    await page.goto(`${server.url}/cli-login?code=WXYZ-WXYZ`);
    await page.locator('[data-testid="cli-login-outcome"][data-status="unknown"]').waitFor();
    await page.getByLabel("Code from your terminal").fill("nope");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(/code=nope/);
    await page.getByRole("alert").filter({ hasText: "8-letter code" }).waitFor();
    expect(await page.getByLabel("Code from your terminal").getAttribute("aria-invalid")).toBe("true");
  });
});
