import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { newUserWithKey, rest, type TestServer } from "@omnara/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dashboardDir } from "../scripts/ensure-built.ts";
import { type DashboardSession, DESKTOP, openDashboard, skipBrowser } from "./support/browser.ts";

const screenshots = resolve(dashboardDir, "../../docs/screenshots");
const WAIT = { timeout: 10_000 };

/** Desktop and phone shots for the README. */
async function shoot(page: Page, name: string) {
  for (const [label, viewport] of [
    ["desktop", DESKTOP],
    ["mobile", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await page.screenshot({ path: join(screenshots, `${name}-${label}.png`) });
  }
  await page.setViewportSize(DESKTOP);
}

const live = (page: Page) => page.getByTestId("connection").first().and(page.locator('[data-state="live"]')).waitFor();

/**
 * Teams in Chromium, two people in two browser contexts: the owner creates a team and invites an
 * email that has no account yet; that person signs up, accepts, and gets what the owner shares
 * with the team live, marked with the team, and answers it; a member is offered no admin control;
 * the last owner's refused demotion and leave show the server's code; a whole agent type shared
 * brings its present and future instances; removed, the member loses them live.
 */
describe.skipIf(skipBrowser)("teams in the dashboard (Chromium)", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let browser: Browser;
  let ownerPage: Page;
  let memberPage: Page;
  let owner: Awaited<ReturnType<typeof newUserWithKey>>;
  const memberEmail = `member-${randomUUID().slice(0, 8)}@example.com`;
  const teamName = `Platform ${randomUUID().slice(0, 4)}`;
  const instanceId = randomUUID();

  beforeAll(async () => {
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, browser, page: ownerPage } = dashboard);
    owner = await newUserWithKey(server.url, "team-owner");
    await ownerPage
      .context()
      .addInitScript((value: string) => localStorage.setItem("omnara.session", value), owner.sessionToken);
    const context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
    memberPage = await context.newPage();
    memberPage.setDefaultTimeout(WAIT.timeout);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  test("create, invite, accept, share WRITE with the team, reply; member controls; last owner refused; agent type; remove", async () => {
    const question = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: owner.apiKey,
      body: {
        agent_instance_id: instanceId,
        agent_type: "Claude Code",
        name: "Rotate the keys",
        content: "Rotate the production keys now?",
        requires_user_input: true,
      },
    });
    expect(question.status).toBe(200);

    // The owner creates the team from the Teams page and invites an email without an account.
    await ownerPage.goto(`${server.url}/`);
    await ownerPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Teams" }).first().click();
    await ownerPage.getByText("You are in no team yet.").waitFor();
    await ownerPage.getByLabel("Team name").fill(teamName);
    await ownerPage.getByRole("button", { name: "Create team" }).click();
    await ownerPage.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
    const teamUrl = ownerPage.url();
    await ownerPage.getByTestId("team-name").filter({ hasText: teamName }).waitFor();
    expect(await ownerPage.getByTestId("my-team-role").textContent()).toContain("You are owner · 1 member");
    const inviteForm = ownerPage.getByRole("form", { name: "Invite to the team" });
    await inviteForm.getByLabel("Email").fill(memberEmail);
    await inviteForm.getByLabel("Role").selectOption("member");
    await inviteForm.getByRole("button", { name: "Invite", exact: true }).click();
    const invited = ownerPage.getByTestId("pending-invite").filter({ hasText: memberEmail });
    await invited.waitFor();
    expect(await invited.textContent()).toContain("Waiting for sign-up");

    // The invitee signs up: the invite is waiting for them, counted in the navigation.
    await memberPage.goto(`${server.url}/sign-up`);
    await memberPage.getByLabel("Email").fill(memberEmail);
    await memberPage.getByLabel("Password").fill("correct horse battery");
    await memberPage.getByRole("button", { name: "Create account" }).click();
    await memberPage.waitForURL(/\/onboarding$/);
    const nav = memberPage.getByRole("navigation", { name: "Main" }).first();
    await nav.getByTestId("invite-count").filter({ hasText: "1" }).waitFor();
    await nav.getByRole("link", { name: /^Teams/ }).click();
    const invite = memberPage.getByTestId("team-invite").filter({ hasText: teamName });
    expect(await invite.textContent()).toContain(`Invited by ${owner.email}`);
    await invite.getByRole("button", { name: `Join ${teamName}` }).click();
    await invite.waitFor({ state: "detached" });
    await memberPage.getByTestId("team").filter({ hasText: teamName }).getByText("Member", { exact: true }).waitFor();
    await nav.getByTestId("invite-count").waitFor({ state: "detached" });

    await memberPage.goto(`${server.url}/instances`);
    await memberPage.getByText("No instances here yet.").waitFor();
    await live(memberPage);

    // The owner shares the instance with the team, WRITE.
    await ownerPage.goto(`${server.url}/instances/${instanceId}`);
    await ownerPage.getByRole("button", { name: "Share Rotate the keys" }).click();
    const dialog = ownerPage.getByRole("dialog", { name: "Share instance" });
    const withTeam = dialog.getByRole("region", { name: "Share with a team" });
    await withTeam.getByLabel("Team").selectOption({ label: teamName });
    await withTeam.getByLabel("Permission").selectOption("WRITE");
    await withTeam.getByRole("button", { name: "Share with team" }).click();
    await dialog
      .getByTestId("team-share-row")
      .filter({ hasText: `Team ${teamName} · Can reply` })
      .waitFor();
    expect(await dialog.getByTestId("share-row").count()).toBe(0);
    await dialog.getByRole("button", { name: "Done" }).click();

    // Live on the member's side: the row arrives with the team's badge; the member answers.
    const row = memberPage.locator(`[data-instance-id="${instanceId}"]`);
    await row.waitFor();
    expect(await row.getByTestId("shared-badge").textContent()).toBe(`Team ${teamName} · can reply`);
    expect(await row.getByRole("button", { name: /Delete|Rename|Share/ }).count()).toBe(0);
    const wait = rest(
      server.url,
      "GET",
      `/api/v1/messages/wait?agent_instance_id=${instanceId}&after_message_id=${question.body["message_id"]}&timeout_seconds=20`,
      { token: owner.apiKey },
    );
    await row.getByRole("link").click();
    await memberPage.getByPlaceholder("Answer the question…").fill("Yes, rotate them");
    await memberPage.getByRole("button", { name: "Send reply" }).click();
    const answered = await wait;
    const token = await memberPage.evaluate(() => localStorage.getItem("omnara.session"));
    const me = await rest(server.url, "GET", "/api/v1/auth/me", { token: token ?? "" });
    expect(answered.body["messages"]).toMatchObject([{ content: "Yes, rotate them", sender_user_id: me.body["id"] }]);

    // A member sees the team and what it shares, and is offered no admin control.
    await memberPage.goto(teamUrl);
    await memberPage.getByTestId("team-instance-share").filter({ hasText: "Rotate the keys" }).waitFor();
    expect(await memberPage.getByTestId("my-team-role").textContent()).toContain("You are member · 2 members");
    expect(await memberPage.getByTestId("team-member").count()).toBe(2);
    expect(await memberPage.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    expect(await memberPage.getByRole("combobox", { name: /^Role of / }).count()).toBe(0);
    expect(await memberPage.getByRole("button", { name: "Invite", exact: true }).count()).toBe(0);
    expect(await memberPage.getByRole("button", { name: "Delete team" }).count()).toBe(0);
    expect(await memberPage.getByRole("button", { name: "Stop sharing Rotate the keys with the team" }).count()).toBe(
      0,
    );
    expect(await memberPage.getByTestId("team-audit").count()).toBe(0);

    // The last owner's demotion and leave are refused by the server, its code shown.
    await ownerPage.goto(teamUrl);
    const ownerRow = ownerPage.getByTestId("team-member").filter({ hasText: "(you)" });
    await ownerRow.getByRole("combobox", { name: /^Role of / }).selectOption("member");
    const refusal = ownerRow.getByTestId("refusal");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^409 CONFLICT.*last owner/);
    expect(await ownerRow.getByRole("combobox", { name: /^Role of / }).inputValue()).toBe("owner");
    await ownerPage.getByRole("button", { name: "Leave team" }).click();
    const leave = ownerPage.getByRole("dialog", { name: "Leave this team?" });
    await leave.getByRole("button", { name: "Leave team" }).click();
    expect(await leave.getByTestId("refusal").textContent()).toMatch(/^409 CONFLICT/);
    await leave.getByRole("button", { name: "Cancel" }).click();
    const audit = ownerPage.getByTestId("team-audit");
    await audit.getByText("Joined a team").waitFor();
    expect(await audit.textContent()).toContain(`Invited to a team — role: member · email: ${memberEmail}`);
    await shoot(ownerPage, "team");

    // A whole agent type shared from its overview card, view only: the instance it has now and the
    // one it starts later both reach the member live.
    const startCodex = async (id: string, name: string) => {
      const sent = await rest(server.url, "POST", "/api/v1/messages/agent", {
        token: owner.apiKey,
        body: { agent_instance_id: id, agent_type: "codex", name, content: "Writing the report" },
      });
      expect(sent.status).toBe(200);
    };
    const present = randomUUID();
    const future = randomUUID();
    await startCodex(present, "Weekly report");
    await memberPage.goto(`${server.url}/instances`);
    await row.waitFor();
    await live(memberPage);
    await ownerPage.goto(`${server.url}/`);
    await ownerPage.getByRole("button", { name: "Share codex with a team" }).click();
    const typeDialog = ownerPage.getByRole("dialog", { name: "Share agent type" });
    const typeWithTeam = typeDialog.getByRole("region", { name: "Share with a team" });
    await typeWithTeam.getByLabel("Team").selectOption({ label: teamName });
    await typeWithTeam.getByRole("button", { name: "Share with team" }).click();
    await typeDialog
      .getByTestId("team-share-row")
      .filter({ hasText: `Team ${teamName} · Can view` })
      .waitFor();
    await typeDialog.getByRole("button", { name: "Done" }).click();
    const presentRow = memberPage.locator(`[data-instance-id="${present}"]`);
    await presentRow.waitFor();
    expect(await presentRow.getByTestId("shared-badge").textContent()).toBe(`Team ${teamName} · view only`);
    await startCodex(future, "Monthly report");
    const futureRow = memberPage.locator(`[data-instance-id="${future}"]`);
    await futureRow.waitFor();
    expect(await futureRow.getByTestId("shared-badge").textContent()).toBe(`Team ${teamName} · view only`);

    // Removed, the member loses every instance the team gave them, live.
    await ownerPage.goto(teamUrl);
    await ownerPage.getByTestId("team-type-share").filter({ hasText: "Every codex instance" }).waitFor();
    await ownerPage.getByRole("button", { name: `Remove ${memberEmail} from the team` }).click();
    await ownerPage
      .getByRole("dialog", { name: "Remove from the team?" })
      .getByRole("button", { name: "Remove" })
      .click();
    await ownerPage.getByTestId("team-member").filter({ hasText: memberEmail }).waitFor({ state: "detached" });
    await row.waitFor({ state: "detached" });
    await presentRow.waitFor({ state: "detached" });
    await futureRow.waitFor({ state: "detached" });
    await memberPage.goto(teamUrl);
    await memberPage.getByText("Team not found").waitFor();
    await memberPage.goto(`${server.url}/instances/${instanceId}`);
    await memberPage.getByText("Instance not found").waitFor();
    // Two people through the whole feature: 22 s on a machine at load 8, past vitest's 30 s at CI's
    // load. Each step keeps its own 10 s wait.
  }, 120_000);
});
