import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";
import { describe, expect, test } from "vitest";
import { dashboardPerSuite, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 15_000 };
const INSTANCES = 30;

/**
 * An agent type with many instances shared with a team reaches a member as one access event per
 * instance. The member's open list shows them all, live, and asks the server for the list a
 * couple of times for the whole burst, not once per instance.
 */
describe.skipIf(skipBrowser)("an agent type shared with a team, in a member's open list (Chromium)", () => {
  const dashboard = dashboardPerSuite(WAIT.timeout);

  test(`${INSTANCES} instances arrive live with at most 3 list requests`, async () => {
    const { server, page } = dashboard();
    const owner = await newUserWithKey(server.url, "type-owner");
    const member = await newUserWithKey(server.url, "type-member");
    const team = await owner.user.createTeam.mutate({ name: `Burst ${randomUUID().slice(0, 4)}` });
    const invite = await owner.user.inviteTeamMember.mutate({ team_id: team.id, email: member.email });
    await member.user.acceptTeamInvite.mutate({ invite_id: invite.id });
    const ids: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const id = randomUUID();
      ids.push(id);
      await owner.agent.sendMessage.mutate({
        agent_instance_id: id,
        agent_type: "Bulk bot",
        name: `Job ${i}`,
        content: "Working",
      });
    }
    const [type] = (await owner.user.listAgentTypes.query({})).filter((t) => t.name.toLowerCase() === "bulk bot");
    if (!type) throw new Error("no agent type");

    await page
      .context()
      .addInitScript((token: string) => localStorage.setItem("omnara.session", token), member.sessionToken);
    await page.goto(`${server.url}/instances?tab=all`);
    await page.getByTestId("connection").first().and(page.locator('[data-state="live"]')).waitFor(WAIT);
    const rows = page.getByTestId("instance-item");
    expect(await rows.count()).toBe(0);

    let listRequests = 0;
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.includes("listInstances")) listRequests++;
    });
    await owner.user.shareAgentTypeWithTeam.mutate({ agent_type_id: type.id, team_id: team.id });
    await expect.poll(() => rows.count(), WAIT).toBe(INSTANCES);
    const shown = await rows.evaluateAll((items) => items.map((item) => item.getAttribute("data-instance-id")));
    expect(shown.sort()).toEqual([...ids].sort());
    // Settled: no request still to come.
    await page.waitForTimeout(600);
    expect(listRequests).toBeGreaterThanOrEqual(1);
    expect(listRequests).toBeLessThanOrEqual(3);
  }, 120_000);
});
