import { randomUUID } from "node:crypto";
import { newUserWithKey, type TestServer } from "@omnara/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DashboardSession, openDashboard, skipBrowser } from "./support/browser.ts";

const AGENT_TYPES = ["Claude Code", "Cursor", "Release bot"];
const PER_TYPE = 3;
const HEARTBEAT_ROUNDS = 5;
/** The applier's own throttles are 300 ms (cards) and 1.5 s (a diff): a refetch would fall in this window. */
const QUIET_MS = 2000;
const LIST_QUERIES = ["listAgentTypes", "listInstances", "getSummary"];
/**
 * The overview asks for its counts again on a timer by design ("offline" follows the clock; see
 * overview.tsx): 30 s after the summary last changed, so never sooner than that after the page's
 * previous summary read (less a second for when the test noted it). Such a read is not a refetch
 * for an event; a slow run lasts long enough to see one.
 */
const SUMMARY_POLL_MS = 30_000;

/** The user procedures in a tRPC request URL (`/api/trpc/user/a,b?batch=1…`). */
const proceduresOf = (url: string): string[] => {
  const { pathname } = new URL(url);
  const prefix = "/api/trpc/user/";
  return pathname.startsWith(prefix) ? pathname.slice(prefix.length).split(",") : [];
};

describe.skipIf(skipBrowser)(
  "issue 11: live events patch the dashboard's cache, lists are not refetched per event",
  () => {
    let server: TestServer;
    let dashboard: DashboardSession | undefined;
    let page: Page;
    let owner: Awaited<ReturnType<typeof newUserWithKey>>;
    const instances: string[] = [];
    const fetched: string[] = [];
    /** When each of `fetched` was requested (ms, test time). */
    const fetchedAt: number[] = [];
    const figures: Record<string, unknown> = {};

    beforeAll(async () => {
      dashboard = await openDashboard(15_000);
      ({ server, page } = dashboard);
      owner = await newUserWithKey(server.url, "refetch");
      for (const [t, agentType] of AGENT_TYPES.entries()) {
        for (let i = 0; i < PER_TYPE; i++) {
          const id = randomUUID();
          instances.push(id);
          await owner.agent.sendMessage.mutate({
            agent_instance_id: id,
            agent_type: agentType,
            name: `Task ${t}.${i}`,
            content: `Started ${t}.${i}`,
          });
        }
      }
      await dashboard.context.addInitScript(
        (token: string) => localStorage.setItem("omnara.session", token),
        owner.sessionToken,
      );
      page.on("request", (request) => {
        for (const name of proceduresOf(request.url())) {
          fetched.push(name);
          fetchedAt.push(Date.now());
        }
      });
    }, 120_000);

    afterAll(async () => {
      console.log("[refetch figures]", JSON.stringify(figures));
      await dashboard?.close();
    });

    /** Waits until the page is live and its fetches settled: nothing new for QUIET_MS. */
    async function settled(): Promise<number> {
      await expect.poll(() => page.getByTestId("connection").first().getAttribute("data-state")).toBe("live");
      for (;;) {
        const before = fetched.length;
        await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
        if (fetched.length === before) return before;
      }
    }

    /** Heartbeats of every instance, several rounds, then a step on each and one question. */
    async function traffic(label: string, asking: number): Promise<{ events: number; question: string }> {
      let events = 0;
      for (let round = 0; round < HEARTBEAT_ROUNDS; round++) {
        await Promise.all(instances.map((id) => owner.agent.heartbeat.mutate({ agent_instance_id: id })));
        events += instances.length;
      }
      for (const id of instances) {
        await owner.agent.sendMessage.mutate({ agent_instance_id: id, content: `${label} step on ${id.slice(0, 8)}` });
        events += 1;
      }
      const question = `${label}: ship it? [YES/NO]`;
      const asked = instances[asking] ?? "";
      await owner.agent.sendMessage.mutate({ agent_instance_id: asked, content: question, requires_user_input: true });
      return { events: events + 1, question: question.replace(" [YES/NO]", "") };
    }

    const listFetchesSince = (start: number) => fetched.slice(start).filter((name) => LIST_QUERIES.includes(name));
    /** Whether fetched[i] is the overview's timed summary read (see SUMMARY_POLL_MS). */
    const timedSummaryRead = (i: number) => {
      if (fetched[i] !== "getSummary") return false;
      const previous = fetched.lastIndexOf("getSummary", i - 1);
      return previous >= 0 && (fetchedAt[i] ?? 0) - (fetchedAt[previous] ?? 0) >= SUMMARY_POLL_MS - 1_000;
    };
    const eventRefetchesSince = (start: number) =>
      fetched.filter((name, i) => i >= start && LIST_QUERIES.includes(name) && !timedSummaryRead(i));

    test("overview: heartbeats, steps and a question update the cards and counts with no list refetch", async () => {
      await page.goto(`${server.url}/`);
      await expect.poll(() => page.getByTestId("agent-type-card").count()).toBe(AGENT_TYPES.length);
      const start = await settled();
      // The counter sees the page's own fetches: the overview's lists were fetched to show it.
      expect(fetched.slice(0, start)).toContain("listAgentTypes");
      const { events, question } = await traffic("overview", 0);
      await expect.poll(() => page.getByText(question).count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId("stat-waiting").textContent()).toContain("1");
      await settled();
      const refetched = eventRefetchesSince(start);
      figures["overview"] = {
        events,
        requestsAfterSettled: fetched.length - start,
        listRefetches: refetched.length,
        timedSummaryReads: listFetchesSince(start).length - refetched.length,
      };
      expect(refetched).toEqual([]);
    }, 120_000);

    test("instances list: the same traffic patches the rows with no list refetch", async () => {
      await page.getByRole("link", { name: "Instances" }).first().click();
      await expect
        .poll(() => page.locator(".instance-table [data-testid=instance-item]").count())
        .toBe(instances.length);
      const start = await settled();
      expect(fetched.slice(0, start)).toContain("listInstances");
      const { events, question } = await traffic("list", 1);
      await expect.poll(() => page.getByText(question).count()).toBeGreaterThan(0);
      await settled();
      const refetched = listFetchesSince(start);
      figures["instances"] = { events, requestsAfterSettled: fetched.length - start, listRefetches: refetched.length };
      expect(refetched).toEqual([]);
    }, 120_000);
  },
);
