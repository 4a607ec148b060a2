import { FakeSupabase, rest, type TestServer } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 15_000 };

/** The dashboard signs in through supabase-js against a local stand-in for the Supabase project. */
describe.skipIf(skipBrowser)("Supabase sign-in in Chromium", () => {
  let supabase: FakeSupabase;
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    supabase = await FakeSupabase.start();
    dashboard = await openDashboard(WAIT.timeout, {
      env: { SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey },
    });
    ({ server, page } = dashboard);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
    await supabase?.close();
  });

  /** Signed in: the overview shows, and what the dashboard sends as its bearer is Supabase's token. */
  async function expectSignedInAs(email: string, supabaseUserId: string) {
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"), WAIT);
    const bearer = await page.evaluate(() => localStorage.getItem("omnara.session"));
    const payload = JSON.parse(Buffer.from(String(bearer).split(".")[1] ?? "", "base64url").toString());
    expect([payload.iss, payload.sub]).toEqual([supabase.issuer, supabaseUserId]);
    await page.goto(`${server.url}/settings`);
    await page.getByText(email).first().waitFor();
    // Its Supabase session is listed as this device; the password is Supabase's to change.
    await page.getByTestId("session-row").filter({ hasText: "This device" }).waitFor(WAIT);
    await page.getByTestId("password-by-supabase").waitFor(WAIT);
    expect(await page.getByRole("form", { name: "Change password" }).count()).toBe(0);
    const me = await rest(server.url, "GET", "/api/v1/auth/me", { token: String(bearer) });
    expect([me.status, me.body["email"]]).toEqual([200, email]);
  }

  async function signOut() {
    await page.goto(`${server.url}/settings`);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/sign-in"), WAIT);
    expect(await page.evaluate(() => localStorage.getItem("omnara.supabase"))).toBeNull();
    // At once: a reload right after signing out stays signed out.
    await page.reload();
    await page.getByLabel("Email").waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(await page.evaluate(() => localStorage.getItem("omnara.session"))).toBeNull();
  }

  test("email and password", async () => {
    const user = supabase.addUser(`pw-${Date.now()}@example.com`, { password: "supabase password" });
    await page.goto(`${server.url}/sign-in`);
    // The project's enabled providers, from its settings.
    await page.getByRole("button", { name: "Continue with GitHub" }).waitFor();
    expect(await page.getByRole("button", { name: "Continue with Apple" }).count()).toBe(0);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "Invalid login credentials" }).waitFor();
    await page.getByLabel("Password").fill("supabase password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expectSignedInAs(user.email, user.id);
    expect(supabase.requests).toContain("POST /auth/v1/token?grant_type=password");
    await signOut();
  });

  test("magic link", async () => {
    const email = `link-${Date.now()}@example.com`;
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByTestId("check-email").waitFor();
    const sent = supabase.magicLinks.find((m) => m.email === email);
    expect(sent?.link).toContain(encodeURIComponent(`${server.url}/sign-in`));
    await page.goto(sent?.link ?? "");
    const user = [...supabase.users.values()].find((u) => u.email === email);
    await expectSignedInAs(email, user?.id ?? "");
    await signOut();
  });

  test("an OAuth provider", async () => {
    supabase.oauthUser = supabase.addUser(`oauth-${Date.now()}@example.com`);
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole("button", { name: "Continue with GitHub" }).click();
    await expectSignedInAs(supabase.oauthUser.email, supabase.oauthUser.id);
    expect(supabase.requests.some((r) => r.startsWith("GET /auth/v1/authorize?provider=github"))).toBe(true);
    await signOut();
  });
});
