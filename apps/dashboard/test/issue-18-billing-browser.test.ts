import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { plans } from "@omnara/contracts";
import {
  deliverStripeEvent,
  describeEachDatabase,
  FakeStripe,
  newUserWithKey,
  rest,
  TEST_STRIPE_PRICE_PRO,
} from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dashboardDir } from "../scripts/ensure-built.ts";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const screenshots = resolve(dashboardDir, "../../docs/screenshots");

const WAIT = { timeout: 10_000 };
const LIMIT = plans.free.instancesPerMonth;

type User = Awaited<ReturnType<typeof newUserWithKey>>;

const startInstances = async (url: string, user: User, count: number) => {
  for (let i = 0; i < count; i += 1) {
    const sent = await rest(url, "POST", "/api/v1/messages/agent", {
      token: user.apiKey,
      body: { agent_instance_id: randomUUID(), agent_type: "worker", content: `run ${i}` },
    });
    expect(sent.status).toBe(200);
  }
};

/** Desktop and phone shots for the README (taken once, on PGlite). */
async function shoot(page: DashboardSession["page"], name: string) {
  for (const [label, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["mobile", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await page.screenshot({ path: join(screenshots, `${name}-${label}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe.skipIf(skipBrowser)("billing in the dashboard (Chromium)", () => {
  describeEachDatabase("billing on", (kind) => {
    let stripe: FakeStripe;
    let dashboard: DashboardSession | undefined;
    let alice: User;
    beforeAll(async () => {
      stripe = await FakeStripe.start();
      dashboard = await openDashboard(WAIT.timeout, { kind, env: stripe.env() });
      alice = await newUserWithKey(dashboard.server.url, "billing");
      await dashboard.context.addInitScript(
        (token: string) => localStorage.setItem("omnara.session", token),
        alice.sessionToken,
      );
      // Checkout is Stripe's page: the browser's visit there is answered here instead.
      await dashboard.context.route("https://checkout.stripe.test/**", (route) =>
        route.fulfill({ contentType: "text/html", body: "<title>Stripe Checkout</title><h1>Pay Omnara</h1>" }),
      );
    }, 120_000);
    afterAll(async () => {
      await dashboard?.close();
      await stripe?.close();
    });

    test("the banner shows usage before the limit and the upgrade button at it; Checkout opens", async () => {
      if (!dashboard) throw new Error("no dashboard");
      const { page, server } = dashboard;
      await startInstances(server.url, alice, 7);
      await page.goto(`${server.url}/`);
      const banner = page.getByTestId("usage-banner");
      await banner.getByText(`7 of ${LIMIT} agent instances this month on the Free plan.`).waitFor(WAIT);
      expect(await banner.getByRole("button", { name: "Upgrade to Pro" }).count()).toBe(0);
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Billing", exact: true })
        .first()
        .waitFor(WAIT);

      // Live: the agent starts three more while the page is open.
      await startInstances(server.url, alice, 3);
      await banner
        .getByText(`${LIMIT} of ${LIMIT} agent instances this month. Running ones keep working; new ones need Pro.`)
        .waitFor(WAIT);
      if (kind === "pglite") await shoot(page, "billing-limit");
      const before = stripe.requests.length;
      await banner.getByRole("button", { name: "Upgrade to Pro" }).click();
      await page.waitForURL(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/, WAIT);
      const session = stripe.requests.slice(before).find((r) => r.path === "/v1/checkout/sessions");
      expect(session?.form).toMatchObject({
        "line_items[0][price]": TEST_STRIPE_PRICE_PRO,
        allow_promotion_codes: "true",
        client_reference_id: alice.userId,
      });
    });

    test("back from Checkout the plan turns Pro when the webhook lands; cancel at period end shows", async () => {
      if (!dashboard) throw new Error("no dashboard");
      const { page, server } = dashboard;
      await page.goto(`${server.url}/billing?checkout=success`);
      await page.getByTestId("checkout-pending").waitFor(WAIT);
      const customer = stripe.requests.find((r) => r.path === "/v1/checkout/sessions")?.form["customer"] ?? "";
      const periodEnd = Math.floor(Date.now() / 1000) + 20 * 86_400;
      stripe.subscriptions.set("sub_browser", {
        id: "sub_browser",
        customer,
        status: "active",
        priceId: TEST_STRIPE_PRICE_PRO,
        cancelAtPeriodEnd: true,
        currentPeriodEnd: periodEnd,
        userId: alice.userId,
      });
      const event = stripe.signedEvent("checkout.session.completed", {
        id: "cs_browser",
        object: "checkout.session",
        customer,
        subscription: "sub_browser",
        client_reference_id: alice.userId,
      });
      expect((await deliverStripeEvent(server.url, event)).status).toBe(200);
      await page.getByTestId("billing-plan").getByText("Pro").waitFor(WAIT);
      await page.getByTestId("billing-usage").getByText(`${LIMIT} agent instances (unlimited)`).waitFor(WAIT);
      await page.getByTestId("billing-subscription").getByText("Cancels at the end of the period").waitFor(WAIT);
      expect(await page.getByTestId("usage-banner").count()).toBe(0);
      await page.getByRole("button", { name: "Manage billing" }).waitFor(WAIT);
      if (kind === "pglite") await shoot(page, "billing-pro");
    });
  });

  describe("billing off", () => {
    let dashboard: DashboardSession | undefined;
    beforeAll(async () => {
      dashboard = await openDashboard(WAIT.timeout);
    }, 120_000);
    afterAll(async () => {
      await dashboard?.close();
    });

    test("no banner, no Billing page, no limit", async () => {
      if (!dashboard) throw new Error("no dashboard");
      const { page, server, context } = dashboard;
      const bob = await newUserWithKey(server.url, "self-hosted");
      await context.addInitScript((token: string) => localStorage.setItem("omnara.session", token), bob.sessionToken);
      await startInstances(server.url, bob, LIMIT + 1);
      await page.goto(`${server.url}/`);
      await page.getByRole("link", { name: "Settings" }).first().waitFor(WAIT);
      await page
        .getByText(`${LIMIT + 1}`)
        .first()
        .waitFor(WAIT);
      expect(await page.getByTestId("usage-banner").count()).toBe(0);
      expect(await page.getByRole("link", { name: "Billing", exact: true }).count()).toBe(0);
      await page.goto(`${server.url}/billing`);
      await page.getByText("Page not found").waitFor(WAIT);
    });
  });
});
