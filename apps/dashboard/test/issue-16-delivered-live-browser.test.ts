import { randomUUID } from "node:crypto";
import { type DatabaseKind, newUserWithKey, testEnv } from "@omnara/testing";
import type { Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const WAIT = { timeout: 10_000 };
/** Longer than the 1.5 s poll the page used to run while a message was queued. */
const QUIET_MS = 2_500;
const skipPostgres = testEnv.postgres === "skip" && !testEnv.ci;

/** Whether a request of the page reads listMessages (alone or in a tRPC batch). */
const readsMessages = (request: Request) => {
  const url = new URL(request.url());
  return (
    url.pathname.startsWith("/api/trpc/user/") && url.pathname.split("/").at(-1)?.split(",").includes("listMessages")
  );
};

/**
 * Issue 16 in the browser: a message sent while the agent works shows queued, and turns delivered
 * the moment the agent's read hands it over, from the live stream's event: the page reads its
 * messages again once for that event, and never on a timer while the message waits.
 */
for (const kind of ["pglite", "postgres"] satisfies DatabaseKind[]) {
  describe.skipIf(skipBrowser || (kind === "postgres" && skipPostgres))(`queued → delivered live [${kind}]`, () => {
    let dashboard: DashboardSession | undefined;

    beforeAll(async () => {
      dashboard = await openDashboard(WAIT.timeout, { kind });
    }, 120_000);

    afterAll(async () => {
      await dashboard?.close();
    });

    test("the badge turns delivered when the agent reads, with no polling in between", async () => {
      if (!dashboard) throw new Error("no dashboard");
      const { server, context, page } = dashboard;
      const owner = await newUserWithKey(server.url, "delivered-live");
      await context.addInitScript((token: string) => localStorage.setItem("omnara.session", token), owner.sessionToken);
      const id = randomUUID();
      const working = await owner.agent.sendMessage.mutate({
        agent_instance_id: id,
        agent_type: "Busy bot",
        name: "Long job",
        content: "Working on the migration",
      });

      let reads = 0;
      let inFlight = 0;
      page.on("request", (request) => {
        if (!readsMessages(request)) return;
        reads += 1;
        inFlight += 1;
      });
      const settled = (request: Request) => {
        if (readsMessages(request)) inFlight -= 1;
      };
      page.on("requestfinished", settled);
      page.on("requestfailed", settled);

      await page.goto(`${server.url}/instances/${id}`);
      const composer = page.locator("textarea").last();
      await composer.waitFor(WAIT);
      // The stream's first event has the page read everything again (apply-event.ts): live first,
      // or that read could come after the first one settled and land in the quiet window below.
      await page.getByTestId("connection").first().and(page.locator('[data-state="live"]')).waitFor(WAIT);
      // The page's reads of its messages are done before the user writes.
      await expect.poll(() => reads > 0 && inFlight === 0, WAIT).toBe(true);

      // Sent while the agent works: queued (the reply's message event has the page read it again).
      await composer.fill("also update the docs");
      await composer.press("Enter");
      const queued = page.getByTestId("queued-message");
      await expect.poll(() => queued.count(), WAIT).toBe(1);
      const badge = page.locator('[data-sender="USER"]', { hasText: "also update the docs" }).getByTestId("delivery");
      await expect.poll(() => badge.getAttribute("data-delivery"), WAIT).toBe("queued");
      await expect.poll(() => inFlight, WAIT).toBe(0);

      // While it stays queued the page does not ask again: no timer polls the messages.
      const beforeQuiet = reads;
      await page.waitForTimeout(QUIET_MS);
      expect(reads - beforeQuiet).toBe(0);
      await expect.poll(() => badge.getAttribute("data-delivery")).toBe("queued");

      // The agent reads: the event turns the badge delivered, with the one read it asks for.
      const beforeRead = reads;
      const read = await owner.agent.waitForReply.query({
        agent_instance_id: id,
        after_message_id: working.message_id,
        timeout_seconds: 10,
      });
      expect(read.messages.map((m) => m.content)).toEqual(["also update the docs"]);
      await expect.poll(() => badge.getAttribute("data-delivery"), WAIT).toBe("delivered");
      await expect.poll(() => queued.count(), WAIT).toBe(0);
      await expect.poll(() => inFlight, WAIT).toBe(0);
      expect(reads - beforeRead).toBe(1);
    }, 120_000);
  });
}
