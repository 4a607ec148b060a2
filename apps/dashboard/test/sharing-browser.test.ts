import { randomUUID } from "node:crypto";
import { newUserWithKey, rest, type TestServer } from "@omnara/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, DESKTOP, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };

/** Sharing in Chromium: the owner shares by email, the recipient sees it live, replies, and loses it live. */
describe.skipIf(skipBrowser)("sharing an instance in Chromium", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let browser: Browser;
  let ownerPage: Page;
  let friendPage: Page;
  let owner: Awaited<ReturnType<typeof newUserWithKey>>;
  let friend: Awaited<ReturnType<typeof newUserWithKey>>;
  const instanceId = randomUUID();

  const signedIn = async (token: string) => {
    const context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
    await context.addInitScript((value: string) => localStorage.setItem("omnara.session", value), token);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    return page;
  };

  beforeAll(async () => {
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, browser, page: ownerPage } = dashboard);
    owner = await newUserWithKey(server.url, "owner");
    friend = await newUserWithKey(server.url, "friend");
    await ownerPage
      .context()
      .addInitScript((value: string) => localStorage.setItem("omnara.session", value), owner.sessionToken);
    friendPage = await signedIn(friend.sessionToken);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  test("share by email with “can reply”; the friend's list gains it live, the friend answers, then loses it live", async () => {
    const question = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: owner.apiKey,
      body: {
        agent_instance_id: instanceId,
        agent_type: "Claude Code",
        name: "Migrate the database",
        content: "Run the migration on production?",
        requires_user_input: true,
      },
    });
    await friendPage.goto(`${server.url}/instances`);
    await friendPage.getByText("No instances here yet.").waitFor();

    await ownerPage.goto(`${server.url}/instances/${instanceId}`);
    await ownerPage.getByRole("button", { name: "Share Migrate the database" }).click();
    const dialog = ownerPage.getByRole("dialog", { name: "Share instance" });
    await dialog.getByLabel("Email").fill(friend.email);
    await dialog.getByLabel("Access").selectOption("WRITE");
    await dialog.getByRole("button", { name: "Share", exact: true }).click();
    await dialog.getByTestId("share-row").filter({ hasText: friend.email }).waitFor();
    expect(await dialog.getByTestId("share-row").textContent()).toContain("Can reply");

    // Live: no reload on the friend's side.
    const row = friendPage.locator(`[data-instance-id="${instanceId}"]`);
    await row.waitFor();
    expect(await row.getByTestId("shared-badge").textContent()).toBe("Shared · can reply");
    // Only the owner renames, deletes or shares.
    expect(await row.getByRole("button", { name: /Delete|Rename|Share/ }).count()).toBe(0);

    const wait = rest(
      server.url,
      "GET",
      `/api/v1/messages/wait?agent_instance_id=${instanceId}&after_message_id=${question.body["message_id"]}&timeout_seconds=20`,
      { token: owner.apiKey },
    );
    await row.getByRole("link").click();
    await friendPage.getByPlaceholder("Answer the question…").fill("Yes, after the backup");
    await friendPage.getByRole("button", { name: "Send reply" }).click();
    const answered = await wait;
    expect(answered.body["messages"]).toMatchObject([
      { content: "Yes, after the backup", sender_user_id: friend.userId },
    ]);

    await friendPage.goto(`${server.url}/instances`);
    await row.waitFor();
    await dialog.getByRole("button", { name: `Stop sharing with ${friend.email}` }).click();
    await dialog.getByTestId("share-row").waitFor({ state: "detached" });
    await row.waitFor({ state: "detached" });
  });
});
