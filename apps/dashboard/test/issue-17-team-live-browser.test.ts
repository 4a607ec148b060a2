import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { dashboardPerSuite, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };

const live = (page: Page) =>
  page.getByTestId("connection").first().and(page.locator('[data-state="live"]')).waitFor(WAIT);

/**
 * Team changes made elsewhere show on an open dashboard without a reload: an invite appears in
 * the navigation's count and on the Teams page, and once joined, a role change and then the
 * removal show on the member's open team page.
 */
describe.skipIf(skipBrowser)("team changes live in an open dashboard (Chromium)", () => {
  const dashboard = dashboardPerSuite(WAIT.timeout);

  test("an invite, a role change and a removal arrive while the pages are open", async () => {
    const { server, page } = dashboard();
    const owner = await newUserWithKey(server.url, "live-owner");
    const member = await newUserWithKey(server.url, "live-member");
    const teamName = `Live ${randomUUID().slice(0, 6)}`;
    const team = await owner.user.createTeam.mutate({ name: teamName });
    await page
      .context()
      .addInitScript((token: string) => localStorage.setItem("omnara.session", token), member.sessionToken);
    await page.goto(`${server.url}/teams`);
    await live(page);
    const nav = page.getByRole("navigation", { name: "Main" }).first();
    expect(await nav.getByTestId("invite-count").count()).toBe(0);

    const invite = await owner.user.inviteTeamMember.mutate({ team_id: team.id, email: member.email });
    await nav.getByTestId("invite-count").filter({ hasText: "1" }).waitFor(WAIT);
    const shown = page.getByTestId("team-invite").filter({ hasText: teamName });
    await shown.waitFor(WAIT);

    // Cancelled elsewhere: it goes away by itself.
    await owner.user.cancelTeamInvite.mutate({ team_id: team.id, invite_id: invite.id });
    await shown.waitFor({ state: "detached", ...WAIT });
    await nav.getByTestId("invite-count").waitFor({ state: "detached", ...WAIT });

    const again = await owner.user.inviteTeamMember.mutate({ team_id: team.id, email: member.email });
    await shown.waitFor(WAIT);
    await member.user.acceptTeamInvite.mutate({ invite_id: again.id });
    await page.goto(`${server.url}/teams/${team.id}`);
    await live(page);
    const role = page.getByTestId("my-team-role");
    await role.filter({ hasText: "You are member · 2 members" }).waitFor(WAIT);

    await owner.user.changeTeamRole.mutate({ team_id: team.id, user_id: member.userId, role: "admin" });
    await role.filter({ hasText: "You are admin" }).waitFor(WAIT);
    // An admin is offered the invite form now, without a reload.
    await page.getByRole("button", { name: "Invite", exact: true }).waitFor(WAIT);

    await owner.user.removeTeamMember.mutate({ team_id: team.id, user_id: member.userId });
    await page
      .getByText(/not found|no longer/i)
      .first()
      .waitFor(WAIT);
  }, 120_000);
});
