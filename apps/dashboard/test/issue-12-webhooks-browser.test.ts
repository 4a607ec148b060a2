import { randomUUID } from "node:crypto";
import { newUserWithKey, rest, startWebhookReceiver, type TestServer, type WebhookReceiver } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 15_000 };

/** Issue 12 in the browser: event webhooks set up, tested and replayed from Settings. */
describe.skipIf(skipBrowser)("webhooks in Settings, in Chromium", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let page: Page;
  let receiver: WebhookReceiver;
  let owner: Awaited<ReturnType<typeof newUserWithKey>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The embedded database: deliveries to 127.0.0.1 (the receiver) are allowed by default.
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, page } = dashboard);
    owner = await newUserWithKey(server.url, "hooks");
    await dashboard.context.addInitScript(
      (token: string) => localStorage.setItem("omnara.session", token),
      owner.sessionToken,
    );
  }, 180_000);

  afterAll(async () => {
    await dashboard?.close();
    await receiver?.close();
  });

  const deliveryRow = (event: string, state: string) =>
    page.getByTestId("webhook-delivery").filter({ hasText: `${event} · ${state}` });

  test("add a webhook, send a test, see it delivered, reveal the secret that signs it", async () => {
    await page.goto(`${server.url}/settings`);
    await page.getByLabel("Add a webhook").fill(`${receiver.url}/omnara`);
    await page.getByRole("checkbox", { name: "Reply" }).check();
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const hook = page.getByTestId("webhook").filter({ hasText: `${receiver.url}/omnara` });
    await hook.waitFor(WAIT);
    await expect(hook.textContent()).resolves.toContain("Question asked, Reply");
    await hook.getByRole("button", { name: "Send test" }).click();
    await deliveryRow("test", "delivered").waitFor(WAIT);
    const [call] = await receiver.waitFor(1);
    expect(call?.headers["x-omnara-event"]).toBe("test");
    await page.getByRole("button", { name: "Reveal" }).click();
    const secret = await page.getByTestId("signing-secret").textContent();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect((await owner.user.getWebhookSigningSecret.query({})).signing_secret).toBe(secret);
  });

  test("an n8n resume call shows in the log and can be replayed from it", async () => {
    const id = randomUUID();
    const asked = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: owner.apiKey,
      body: {
        agent_instance_id: id,
        agent_type: "n8n",
        content: "Approve?",
        requires_user_input: true,
        message_metadata: { webhook_url: `${receiver.url}/webhook-waiting/1/2`, webhook_type: "n8n_send_and_wait" },
      },
    });
    expect(asked.status).toBe(200);
    await owner.user.reply.mutate({ agent_instance_id: id, content: "approved" });
    // The resume calls themselves, not a count of all calls: the question's and the reply's event
    // webhooks go to the same receiver, in no fixed order with the resume.
    const resumeCalls = async () => (await receiver.waitFor(0)).filter((call) => call.path === "/webhook-waiting/1/2");
    await expect.poll(resumeCalls, WAIT).toHaveLength(1);
    await page.reload();
    const resume = deliveryRow("n8n_resume", "delivered");
    await resume.waitFor(WAIT);
    await resume.getByRole("button", { name: "Replay" }).click();
    await expect.poll(resumeCalls, WAIT).toHaveLength(2);
    const resumes = await resumeCalls();
    expect(resumes[1]?.body).toBe(resumes[0]?.body);
    await page.getByTestId("webhook-delivery").filter({ hasText: "replay" }).first().waitFor(WAIT);
  });
});
