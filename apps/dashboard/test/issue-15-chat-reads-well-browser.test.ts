import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { limits } from "@omnara/contracts";
import { newUserWithKey, rest, type TestServer } from "@omnara/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dashboardDir } from "../scripts/ensure-built.ts";
import { type DashboardSession, DESKTOP, openDashboard, skipBrowser } from "./support/browser.ts";

const screenshots = resolve(dashboardDir, "../../docs/screenshots");

const WAIT = { timeout: 15_000 };
type Owner = Awaited<ReturnType<typeof newUserWithKey>>;

/**
 * Issue 15, "a chat that reads well", in Chromium against a real server: line breaks, markdown
 * and highlighted code for both sides, long messages collapsed, plain previews, the composer's
 * limit, a reply retried after reconnecting, and the instances page's search, filters, bulk
 * actions, name disambiguation and the overview's counters.
 */
describe.skipIf(skipBrowser)("issue 15: a chat that reads well, in Chromium", () => {
  let dashboard: DashboardSession | undefined;
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let owner: Owner;

  const agentSays = async (user: Owner, body: Record<string, unknown>) => {
    const response = await rest(server.url, "POST", "/api/v1/messages/agent", { token: user.apiKey, body });
    expect(response.status).toBe(200);
    return String(response.body["message_id"]);
  };
  const newInstance = async (user: Owner, name: string, content: string, extra: Record<string, unknown> = {}) => {
    const id = randomUUID();
    await agentSays(user, { agent_instance_id: id, agent_type: "Claude Code", name, content, ...extra });
    return id;
  };
  const bubble = (id: string) => page.locator(`[data-message-id="${id}"]`);
  /** The highlight.js chunks (core, grammars) the page fetches while `during` runs. */
  const highlightChunks = async (during: () => Promise<void>): Promise<string[]> => {
    const names: string[] = [];
    const onRequest = (request: { url(): string }) => {
      const name =
        /\/assets\/(core|bash|css|diff|go|java|javascript|json|markdown|python|rust|sql|typescript|xml|yaml)-[\w-]+\.js$/.exec(
          request.url(),
        )?.[1];
      if (name) names.push(name);
    };
    page.on("request", onRequest);
    try {
      await during();
    } finally {
      page.off("request", onRequest);
    }
    return names.sort();
  };
  const userMessages = async (instanceId: string, user: Owner = owner) =>
    (await user.user.getInstance.query({ agent_instance_id: instanceId })).messages
      .filter((m) => m.sender_type === "USER")
      .map((m) => m.content);
  /** A page signed in as `user`, in a context of its own. */
  const pageAs = async (user: Owner) => {
    const own = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
    await own.addInitScript((token: string) => localStorage.setItem("omnara.session", token), user.sessionToken);
    const opened = await own.newPage();
    opened.setDefaultTimeout(WAIT.timeout);
    return { context: own, page: opened };
  };

  beforeAll(async () => {
    dashboard = await openDashboard(WAIT.timeout);
    ({ server, browser, context, page } = dashboard);
    owner = await newUserWithKey(server.url, "reader");
    await context.addInitScript((token: string) => localStorage.setItem("omnara.session", token), owner.sessionToken);
  }, 180_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  test("single line breaks stay line breaks", async () => {
    const instanceId = await newInstance(owner, "Logs", "intro");
    const id = await agentSays(owner, {
      agent_instance_id: instanceId,
      content: "compiling src/a.ts\ncompiling src/b.ts\ndone in 2.1s",
    });
    // A chat without code loads no highlighter at all.
    const loaded = await highlightChunks(async () => {
      await page.goto(`${server.url}/instances/${instanceId}`);
      await bubble(id).waitFor();
    });
    expect(loaded).toEqual([]);
    expect(await bubble(id).locator(".markdown br").count()).toBe(2);
    expect(await bubble(id).locator(".markdown").innerText()).toBe(
      "compiling src/a.ts\ncompiling src/b.ts\ndone in 2.1s",
    );
  });

  test("the user's markdown renders like the agent's, and fenced code on both sides is highlighted", async () => {
    const instanceId = await newInstance(owner, "Markdown", "Send me the snippet");
    const agentCode = await agentSays(owner, {
      agent_instance_id: instanceId,
      content:
        "Here:\n\n```python\ndef total(xs):\n    return sum(xs)\n```\n\n```html\n<img src=x onerror=alert(1)>\n```",
    });
    const reply = await owner.user.reply.mutate({
      agent_instance_id: instanceId,
      content:
        "**Looks good**, but use `reduce`:\n```ts\nconst total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);\n```",
    });
    const mine = bubble(reply.id);
    // The core and the three grammars on the page, and no other (a fresh context: nothing cached).
    const loaded = await highlightChunks(async () => {
      await page.goto(`${server.url}/instances/${instanceId}`);
      await mine.locator("code.hljs.language-typescript").waitFor();
      await bubble(agentCode).locator("code.hljs.language-xml").waitFor();
    });
    expect(loaded).toEqual(["core", "python", "typescript", "xml"]);
    await mine.locator("strong").filter({ hasText: "Looks good" }).waitFor();
    expect(await mine.innerText()).not.toContain("**");
    expect(
      await mine
        .locator("code")
        .filter({ hasText: /^reduce$/ })
        .count(),
    ).toBe(1);
    // The grammars load on first use; then the code is wrapped in highlight.js's classes.
    await mine.locator("code.hljs.language-typescript .hljs-keyword").filter({ hasText: "const" }).waitFor();
    await bubble(agentCode)
      .locator("code.hljs.language-python .hljs-keyword")
      .filter({ hasText: "def" })
      .first()
      .waitFor();
    await bubble(agentCode).locator("code.hljs.language-xml .hljs-tag").first().waitFor();
    // Highlighting escapes the code: the <img> is text, not an element.
    expect(await bubble(agentCode).locator("img").count()).toBe(0);
    expect(await bubble(agentCode).locator("code.language-xml").innerText()).toBe("<img src=x onerror=alert(1)>");
  });

  test("a long message is collapsed to its head with 'Show all', and opens whole", async () => {
    const instanceId = await newInstance(owner, "Long output", "Running");
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i + 1} of the build log`);
    const id = await agentSays(owner, { agent_instance_id: instanceId, content: lines.join("\n") });
    const short = await agentSays(owner, { agent_instance_id: instanceId, content: "Short one" });
    await page.goto(`${server.url}/instances/${instanceId}`);
    const long = bubble(id);
    await long.getByTestId("show-all").waitFor();
    expect(await long.getByTestId("show-all").textContent()).toBe("Show all · 300 lines");
    expect(await long.getByTestId("long-text").getAttribute("class")).toContain("is-collapsed");
    expect(await long.getByText("line 300 of the build log").count()).toBe(0);
    expect(await bubble(short).getByTestId("show-all").count()).toBe(0);
    await long.getByTestId("show-all").click();
    await long.getByText("line 300 of the build log").waitFor();
    expect(await long.getByTestId("show-all").textContent()).toBe("Show less");
    await long.getByTestId("show-all").click();
    await owner.user.reply.mutate({
      agent_instance_id: instanceId,
      content: "Thanks. **Next:**\n1. bump `vite`\n2. rerun\n```bash\nnpm run build && npm test\n```",
    });
    await page.locator('[data-sender="USER"] code.hljs').waitFor();
    await page.screenshot({ path: join(screenshots, "chat-long-message-desktop.png") });
  });

  test("lists preview the latest message as plain text, without markdown syntax", async () => {
    const id = await newInstance(
      owner,
      "Preview check",
      "## Plan\n```js\nconst answer = 42;\n```\n- **Done**: see [the docs](https://example.com) and `npm test`",
    );
    await page.goto(`${server.url}/instances?tab=all`);
    const preview = page.locator(`[data-instance-id="${id}"] [data-testid=instance-preview]`);
    await preview.waitFor();
    expect(await preview.textContent()).toBe("Plan const answer = 42; Done: see the docs and npm test");
  });

  test("the composer counts toward the limit and refuses an over-long paste instead of cutting it", async () => {
    const instanceId = await newInstance(owner, "Paste", "Paste the log");
    await page.goto(`${server.url}/instances/${instanceId}`);
    const composer = page.getByTestId("composer");
    await composer.click();
    // insertText goes through the browser's editing path, as a paste does (and as maxlength cut).
    await page.keyboard.insertText("x".repeat(70_000));
    expect(await composer.evaluate((box) => (box as HTMLTextAreaElement).value.length)).toBe(70_000);
    expect(await page.getByTestId("composer-count").textContent()).toBe("70,000 / 65,536 characters");
    const refusal = page.getByTestId("composer-too-long");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("the limit is 65,536. Remove 4,464 characters");
    expect(await page.getByRole("button", { name: "Send reply" }).isDisabled()).toBe(true);
    await composer.press("Enter");
    expect(await userMessages(instanceId)).toEqual([]);

    await composer.fill("y".repeat(limits.messageChars));
    await expect.poll(() => refusal.count()).toBe(0);
    await page.getByRole("button", { name: "Send reply" }).click();
    // The box empties as the text leaves, before the server has it: wait for the server's copy.
    expect(await composer.inputValue()).toBe("");
    await expect
      .poll(async () => (await userMessages(instanceId)).map((m) => m.length), WAIT)
      .toEqual([limits.messageChars]);
  });

  test("a message typed while the previous one is on its way is sent after it, and neither is lost", async () => {
    const instanceId = await newInstance(owner, "Typed fast", "Working");
    await page.goto(`${server.url}/instances/${instanceId}`);
    const composer = page.getByTestId("composer");
    await composer.waitFor();
    // The first reply is held on its way until the second has been typed and sent.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let replies = 0;
    await page.route(
      (url) => url.pathname.startsWith("/api/trpc/user/") && url.pathname.includes("reply"),
      async (route) => {
        replies++;
        if (replies === 1) await held;
        await route.continue();
      },
    );
    await composer.fill("first thought");
    await composer.press("Enter");
    await expect.poll(() => replies, WAIT).toBe(1);
    expect(await composer.inputValue()).toBe("");
    await composer.fill("second thought");
    await composer.press("Enter");
    expect(await composer.inputValue()).toBe("");
    // Only waiting behind the first: no "not sent" alarm.
    expect(await page.getByTestId("reply-queued").count()).toBe(0);
    release();
    await expect.poll(() => userMessages(instanceId), WAIT).toEqual(["first thought", "second thought"]);
    await expect.poll(() => page.locator('[data-sender="USER"]').count(), WAIT).toBe(2);
    expect(await composer.inputValue()).toBe("");
    expect(replies).toBe(2);
    await page.unrouteAll();
  });

  test("a refused reply comes back to the composer ahead of what was typed since", async () => {
    const instanceId = await newInstance(owner, "Refused", "Working");
    await page.goto(`${server.url}/instances/${instanceId}`);
    const composer = page.getByTestId("composer");
    await composer.waitFor();
    // The server refuses the try for real: its body is made longer than a message may be.
    const tooLong = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(tooLong)
        : value && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value).map(([k, v]) => [
                k,
                k === "content" ? "x".repeat(limits.messageChars + 1) : tooLong(v),
              ]),
            )
          : value;
    // The try is held until the next words are typed: a refusal back before the first key would
    // find an empty box and be followed by the typing, not put ahead of it.
    let typed: () => void = () => {};
    const typing = new Promise<void>((resolve) => {
      typed = resolve;
    });
    await page.route(
      (url) => url.pathname.startsWith("/api/trpc/user/") && url.pathname.includes("reply"),
      async (route) => {
        await typing;
        await route.continue({ postData: JSON.stringify(tooLong(route.request().postDataJSON())) });
      },
    );
    await composer.fill("keep me");
    await composer.press("Enter");
    await composer.pressSequentially("and me");
    typed();
    await expect.poll(() => composer.inputValue(), WAIT).toBe("keep me\nand me");
    expect(await userMessages(instanceId)).toEqual([]);
    await page.unrouteAll();
  });

  test("a reply whose answer was lost is kept, retried after reconnecting with its key, and stored once", async () => {
    const instanceId = await newInstance(owner, "Flaky network", "Ready for your answer", {
      requires_user_input: true,
    });
    await page.goto(`${server.url}/instances/${instanceId}`);
    await page.getByTestId("composer").waitFor();
    let tries = 0;
    // The first try reaches the server and is stored; its answer is then lost on the way back.
    await page.route(
      (url) => url.pathname.startsWith("/api/trpc/user/") && url.pathname.includes("reply"),
      async (route) => {
        tries++;
        if (tries === 1) {
          await route.fetch();
          // Offline before the page hears of the failure: its retry (on a timer while online)
          // must not get through before the test has seen the reply queued.
          await context.setOffline(true);
          await route.abort("internetdisconnected");
          return;
        }
        await route.continue();
      },
    );
    await page.getByTestId("composer").fill("Ship it\non Friday");
    await page.getByTestId("composer").press("Enter");
    const queued = page.getByTestId("reply-queued");
    await queued.waitFor();
    expect(await queued.textContent()).toContain("Not sent yet");
    expect(await page.getByTestId("composer").inputValue()).toBe("");
    expect(await userMessages(instanceId)).toEqual(["Ship it\non Friday"]);

    await context.setOffline(false);
    await expect.poll(() => queued.count(), WAIT).toBe(0);
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(await userMessages(instanceId)).toEqual(["Ship it\non Friday"]);
    await expect.poll(() => page.locator('[data-sender="USER"]').count(), WAIT).toBe(1);
    expect(await page.locator('[data-sender="USER"] .markdown').innerText()).toBe("Ship it\non Friday");
    await page.unrouteAll();
  });

  test("search, the agent-type and waiting filters narrow the list; same-named instances show short id and start time", async () => {
    const user = await newUserWithKey(server.url, "filters");
    const twinA = await newInstance(user, "Deploy API", "Deploying");
    const twinB = await newInstance(user, "Deploy API", "Which region? [YES/NO]", { requires_user_input: true });
    const unique = await newInstance(user, "Refactor billing", "Refactoring");
    const cursorId = randomUUID();
    await agentSays(user, { agent_instance_id: cursorId, agent_type: "Cursor", name: "Docs", content: "Writing" });
    const { context: own, page: mine } = await pageAs(user);
    try {
      const rows = async () =>
        (
          await mine
            .getByTestId("instance-item")
            .evaluateAll((items) => items.map((i) => i.getAttribute("data-instance-id")))
        ).sort();
      await mine.goto(`${server.url}/instances?tab=all`);
      await expect.poll(rows, WAIT).toEqual([twinA, twinB, unique, cursorId].sort());

      const tags = mine.getByTestId("instance-disambiguator");
      expect(await tags.count()).toBe(2);
      const texts = await tags.allTextContents();
      expect(new Set(texts).size).toBe(2);
      for (const text of texts) expect(text).toMatch(/^#[0-9a-f]{6} · started /);
      expect(await mine.locator(`[data-instance-id="${unique}"] [data-testid=instance-disambiguator]`).count()).toBe(0);

      await mine.getByTestId("instance-search").fill("deploy");
      await expect.poll(rows, WAIT).toEqual([twinA, twinB].sort());
      const statusTabs = mine.getByRole("navigation", { name: "Instance status" });
      await statusTabs.getByRole("link", { name: "Waiting", exact: true }).click();
      await expect.poll(rows, WAIT).toEqual([twinB]);
      // The only "Deploy API" left in the list needs no disambiguation.
      expect(await tags.count()).toBe(0);
      await statusTabs.getByRole("link", { name: "All", exact: true }).click();
      await mine.getByTestId("instance-search").fill("");
      await expect.poll(rows, WAIT).toHaveLength(4);
      const types = await user.user.listAgentTypes.query({});
      const cursorType = types.find((t) => t.name === "cursor");
      await mine.getByTestId("type-filter").selectOption(cursorType?.id ?? "");
      await expect.poll(rows, WAIT).toEqual([cursorId]);
      expect(new URL(mine.url()).searchParams.get("type")).toBe(cursorType?.id);
    } finally {
      await own.close();
    }
  });

  test("bulk actions complete and then delete every selected instance", async () => {
    const user = await newUserWithKey(server.url, "bulk");
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, i) => newInstance(user, `Batch job ${i + 1}`, "Working")),
    );
    const keep = await newInstance(user, "Keep me", "Working");
    const { context: own, page: mine } = await pageAs(user);
    try {
      await mine.goto(`${server.url}/instances?tab=all`);
      await mine.getByTestId("instance-search").fill("batch");
      await expect.poll(() => mine.getByTestId("instance-item").count(), WAIT).toBe(12);
      await mine.getByTestId("select-all").check();
      expect(await mine.getByTestId("bulk-bar").textContent()).toContain("12 selected");
      await mine.getByTestId("bulk-complete").click();
      await mine.getByRole("dialog").getByRole("button", { name: "Mark completed" }).click();
      await mine.getByTestId("bulk-report").filter({ hasText: "Marked completed: 12 instances." }).waitFor();
      const statuses = async () =>
        Promise.all(ids.map(async (id) => (await user.user.getInstance.query({ agent_instance_id: id })).status));
      expect(new Set(await statuses())).toEqual(new Set(["COMPLETED"]));
      expect((await user.user.getInstance.query({ agent_instance_id: keep })).status).toBe("ACTIVE");

      await expect.poll(() => mine.getByTestId("bulk-bar").count()).toBe(0);
      await mine.getByTestId("select-all").check();
      await mine.getByTestId("bulk-delete").click();
      await mine.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
      await mine.getByTestId("bulk-report").filter({ hasText: "Deleted: 12 instances." }).waitFor();
      await expect.poll(() => mine.getByTestId("instance-item").count(), WAIT).toBe(0);
      const left = await user.user.listInstances.query({});
      expect(left.instances.map((i) => i.id)).toEqual([keep]);
    } finally {
      await own.close();
    }
  });

  test("the overview's counters do not overlap: waiting, working and offline are counted apart", async () => {
    const user = await newUserWithKey(server.url, "counters");
    await newInstance(user, "Working 1", "Working");
    await newInstance(user, "Working 2", "Working");
    await newInstance(user, "Asks", "Which one? [YES/NO]", { requires_user_input: true });
    const gone = await newInstance(user, "Gone quiet", "Which one? [YES/NO]", { requires_user_input: true });
    // Its process went away mid-question (the e2e test covers a heartbeat that went stale).
    await user.agent.endSession.mutate({ agent_instance_id: gone, status: "DISCONNECTED" });
    const done = await newInstance(user, "Done", "Finished");
    await user.user.markCompleted.mutate({ agent_instance_id: done });
    const { context: own, page: mine } = await pageAs(user);
    try {
      await mine.goto(`${server.url}/`);
      const stat = (tone: string) =>
        mine.getByTestId(`stat-${tone}`).locator(".stat-value").textContent({ timeout: WAIT.timeout });
      const counts = async () => ({
        waiting: await stat("waiting"),
        working: await stat("active"),
        offline: await stat("offline"),
        completed: await stat("completed"),
        failed: await stat("failed"),
      });
      await expect
        .poll(counts, WAIT)
        .toEqual({ waiting: "1", working: "2", offline: "1", completed: "1", failed: "0" });
      // "Active" counts what the pills call Active: working and heard from, not waiting, not offline.
      expect(await mine.getByTestId("stat-active").locator(".stat-label").textContent()).toBe("Active");
      expect(await mine.locator(".page-head .muted").textContent()).toBe("1 instance is waiting for you.");
      expect(await mine.getByTestId("agent-type-card").locator(".subtle").first().textContent()).toBe(
        "2 active · 5 instances",
      );
    } finally {
      await own.close();
    }
  });
});
