import { resolve } from "node:path";
import { eventually, newMachine, newUserWithKey, type TestServer } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dashboardDir } from "../scripts/ensure-built.ts";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };
const screenshots = resolve(dashboardDir, "../../docs/screenshots");

/**
 * The Machines page and its Start form in Chromium. The machine is registered with a real machine
 * key and the test answers for its daemon through the same operations `omnara daemon` calls (the
 * daemon running the real Claude Code is apps/cli/test/issue-16-daemon-claude.test.ts).
 */
describe.skipIf(skipBrowser)("Machines in Chromium: status, projects, start a session, stop, revoke", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let page: Page;
  let alice: Awaited<ReturnType<typeof newUserWithKey>>;

  beforeAll(async () => {
    dashboard = await openDashboard(WAIT.timeout, {
      // Starts expire after 15 s: long enough for the first test's poll under load.
      env: { OMNARA_MACHINE_ASLEEP_SECONDS: "3", OMNARA_MACHINE_START_EXPIRES_SECONDS: "15" },
    });
    ({ server, page } = dashboard);
    alice = await newUserWithKey(server.url, "alice");
    await page
      .context()
      .addInitScript((value: string) => localStorage.setItem("omnara.session", value), alice.sessionToken);
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  test("the start form reaches the machine with the prompt and the proposed branch; the session shows running and stops", async () => {
    const m = await newMachine(server.url, alice.sessionToken, { path: "/home/alice/app", isGit: true });
    await page.goto(`${server.url}/machines`);
    const card = page.getByTestId("machine");
    await card.getByText("Online").waitFor();
    await card.getByText("/home/alice/app").waitFor();

    await page.getByLabel("First prompt").fill("Fix the flaky login test");
    await page.getByLabel("In a new git worktree").check();
    expect(await page.getByLabel("Branch").inputValue()).toBe("omnara/fix-the-flaky-login-test");
    await page.getByLabel("Branch").fill("omnara/login-fix");
    await page.screenshot({ path: `${screenshots}/machines-start.png`, fullPage: true });
    await page.getByRole("button", { name: "Start session" }).click();

    // The dashboard opens the new instance at once; the machine's poll has the start.
    await page.waitForURL(/\/instances\/[0-9a-f-]{36}$/);
    const instanceId = page.url().split("/").pop() ?? "";
    const polled = await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 5 });
    expect(polled.commands).toMatchObject([
      {
        kind: "start",
        agent_instance_id: instanceId,
        project_id: m.projectId,
        agent: "claude",
        prompt: "Fix the flaky login test",
        worktree: { branch: "omnara/login-fix" },
      },
    ]);
    const command = polled.commands[0];
    await m.machine.reportMachineSession.mutate({
      agent_instance_id: instanceId,
      command_id: command?.id,
      state: "RUNNING",
      worktree_path: "/home/alice/app.worktrees/omnara-login-fix",
    });

    await page.goto(`${server.url}/machines`);
    const session = page.getByTestId("machine-session");
    await session.getByText("omnara/login-fix").waitFor();
    await page.getByText("start by").first().waitFor({ state: "attached" });
    await session.getByRole("button", { name: "Stop" }).click();
    const stop = await eventually("the stop command", async () => {
      const next = await m.machine.pollMachine.mutate({ running: [instanceId], timeout_seconds: 2 });
      return next.commands.find((c) => c.kind === "stop");
    });
    expect(stop.agent_instance_id).toBe(instanceId);
    await m.machine.reportMachineSession.mutate({ agent_instance_id: instanceId, command_id: stop.id, state: "ENDED" });
    await page.getByText("None.").waitFor();

    // Not polled for longer than the threshold: asleep, with when it was last seen.
    await page.getByText(/Asleep · seen/).waitFor({ timeout: 20_000 });

    // Revoked from its card: the machine's key stops working.
    await page.getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await card.getByText("Revoked").waitFor();
    await expect(m.machine.pollMachine.mutate({ running: [], timeout_seconds: 0 })).rejects.toMatchObject({
      data: { code: "UNAUTHORIZED" },
    });
  }, 120_000);

  test("a start the sleeping machine never picked up shows expired, with why, and its instance failed", async () => {
    const m = await newMachine(server.url, alice.sessionToken, { path: "/home/alice/sleepy", isGit: false });
    const started = await alice.user.startMachineSession.mutate({
      machine_id: m.machineId,
      project_id: m.projectId,
      prompt: "while the laptop sleeps",
    });
    await page.goto(`${server.url}/machines`);
    const card = page.getByTestId("machine").filter({ hasText: "/home/alice/sleepy" });
    const expired = card.getByTestId("machine-session-not-started");
    await expired.waitFor({ timeout: 60_000 });
    expect(await expired.getAttribute("data-state")).toBe("EXPIRED");
    await expired.getByText(/did not pick this start up within 15 seconds/).waitFor();
    await card.getByText("Starts and stops (1)").click();
    await card.getByText(/expired: the machine did not pick it up in time/).waitFor();
    expect((await alice.user.getInstance.query({ agent_instance_id: started.agent_instance_id })).status).toBe(
      "FAILED",
    );
    expect((await m.machine.pollMachine.mutate({ running: [], timeout_seconds: 0 })).commands).toEqual([]);
  }, 120_000);
});
