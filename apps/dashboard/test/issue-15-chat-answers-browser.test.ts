import { randomUUID } from "node:crypto";
import { newUserWithKey, rest, type TestServer } from "@omnara/testing";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };

/**
 * Issue 15 in the browser: mirrored tool results are collapsed with a status badge, and two
 * tabs answering one question: the first tap wins, the late tab is told who answered.
 */
describe.skipIf(skipBrowser)("tool results and first-answer-wins in Chromium", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let owner: Awaited<ReturnType<typeof newUserWithKey>>;
  const instanceId = randomUUID();

  const agentSays = async (body: Record<string, unknown>) => {
    const response = await rest(server.url, "POST", "/api/v1/messages/agent", { token: owner.apiKey, body });
    expect(response.status).toBe(200);
    return String(response.body["message_id"]);
  };

  beforeAll(async () => {
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, context, page } = dashboard);
    owner = await newUserWithKey(server.url, "tabs");
    await context.addInitScript((token: string) => localStorage.setItem("omnara.session", token), owner.sessionToken);
    await agentSays({
      agent_instance_id: instanceId,
      agent_type: "Claude Code",
      name: "Run the checks",
      content: "Run the tests\n```bash\n$ npm test\n```",
      message_metadata: { kind: "tool_use", tool_name: "Bash" },
    });
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  test("a tool's output is collapsed under its status, with an exit-code or failure badge", async () => {
    const ok = await agentSays({
      agent_instance_id: instanceId,
      content: "Bash output\n```text\n42 tests passed\n```",
      message_metadata: { kind: "tool_result", tool_name: "Bash", is_error: false, exit_code: 0 },
    });
    const failed = await agentSays({
      agent_instance_id: instanceId,
      content: "Write failed, nothing was written\n```text\nENOTDIR: not a directory\n```",
      message_metadata: { kind: "tool_result", tool_name: "Write", is_error: true },
    });
    await page.goto(`${server.url}/instances/${instanceId}`);
    const okResult = page.locator(`[data-message-id="${ok}"] [data-testid=tool-result]`);
    const failedResult = page.locator(`[data-message-id="${failed}"] [data-testid=tool-result]`);
    await okResult.waitFor();
    expect(await okResult.getAttribute("open")).toBeNull();
    expect(await okResult.getByTestId("tool-result-badge").textContent()).toBe("exit 0");
    expect(await failedResult.getByTestId("tool-result-badge").textContent()).toBe("failed");
    expect(await failedResult.locator("summary").textContent()).toContain("Write failed, nothing was written");
    // Collapsed: the output is not shown until the status line is opened.
    expect(await page.getByText("ENOTDIR: not a directory").isVisible()).toBe(false);
    await failedResult.locator("summary").click();
    await page.getByText("ENOTDIR: not a directory").waitFor();
  });

  test("two tabs answer one question: the first tap wins, the other tab is told who answered", async () => {
    const other = await context.newPage();
    // The second tab misses live events (a flaky phone connection): it still shows the buttons.
    await other.route("**/api/trpc/user/events**", (route) => route.abort());
    await page.goto(`${server.url}/instances/${instanceId}`);
    const questionId = await agentSays({
      agent_instance_id: instanceId,
      content: "Deploy to?\n\n[OPTIONS]\n1. Staging\n2. Production\n[/OPTIONS]",
      requires_user_input: true,
    });
    await other.goto(`${server.url}/instances/${instanceId}`);
    await other.locator(`[data-message-id="${questionId}"]`).waitFor();
    await page.getByTestId("choice").filter({ hasText: "Staging" }).click();
    await expect.poll(() => page.getByTestId("choice").count()).toBe(0);

    await other.getByTestId("choice").filter({ hasText: "Production" }).click();
    await other
      .getByRole("alert")
      .filter({ hasText: "Already answered by you (on another device or tab): Staging" })
      .waitFor();
    const detail = await owner.user.getInstance.query({ agent_instance_id: instanceId });
    expect(detail.messages.filter((m) => m.sender_type === "USER").map((m) => m.content)).toEqual(["Staging"]);
    await other.close();
  });
});
