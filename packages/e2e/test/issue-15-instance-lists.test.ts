import { randomUUID } from "node:crypto";
import { OFFLINE_AFTER_MS } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

type User = Awaited<ReturnType<typeof newUserWithKey>>;

/**
 * Issue 15: the instances page searches names (its own and its agent type's, % and _ taken
 * literally), and the overview's counters never overlap: every instance is counted once, in
 * working, waiting, offline, completed or failed; a waiting instance whose agent went quiet is
 * offline, not waiting.
 */
describeEachDatabase("issue 15: instance search and non-overlapping counters", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const start = async (user: User, agentType: string, name: string, question = false) => {
    const id = randomUUID();
    await user.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: agentType,
      name,
      content: question ? "Which one? [YES/NO]" : "Working on it",
      requires_user_input: question,
    });
    return id;
  };
  const quiet = (id: string) =>
    server.database.db
      .update(schema.agentInstances)
      .set({ lastHeartbeatAt: new Date(Date.now() - 5 * OFFLINE_AFTER_MS) })
      .where(eq(schema.agentInstances.id, id));

  test("search matches either name case-insensitively, with % and _ literal, beside the other filters and pages", async () => {
    const a = await newUserWithKey(server.url, "search-a");
    const b = await newUserWithKey(server.url, "search-b");
    const percent = await start(a, "Claude Code", "Fix 100% of the bugs");
    const underscore = await start(a, "Claude Code", "fix_login");
    const plain = await start(a, "Claude Code", "Fix the login page", true);
    const cursor = await start(a, "Cursor", "Write docs");
    await start(b, "Claude Code", "Fix everything");

    const ids = async (input: Parameters<User["user"]["listInstances"]["query"]>[0]) =>
      (await a.user.listInstances.query(input)).instances.map((i) => i.id).sort();
    expect(await ids({ search: "FIX" })).toEqual([percent, underscore, plain].sort());
    expect(await ids({ search: "100%" })).toEqual([percent]);
    expect(await ids({ search: "%" })).toEqual([percent]);
    expect(await ids({ search: "_" })).toEqual([underscore]);
    expect(await ids({ search: "cursor" })).toEqual([cursor]);
    expect(await ids({ search: "login", status: "AWAITING_INPUT" })).toEqual([plain]);
    expect(await ids({ search: "   " })).toHaveLength(4);
    expect(await ids({ search: "nothing like this" })).toEqual([]);

    const pages: string[] = [];
    let next: string | undefined;
    do {
      const page = await a.user.listInstances.query({ search: "fix", limit: 1, ...(next ? { cursor: next } : {}) });
      pages.push(...page.instances.map((i) => i.id));
      next = page.next_cursor ?? undefined;
    } while (next);
    expect(pages.sort()).toEqual([percent, underscore, plain].sort());
  });

  test("working, waiting, offline, completed and failed are disjoint and add up to the total", async () => {
    const u = await newUserWithKey(server.url, "counts");
    await start(u, "Claude Code", "working");
    await start(u, "Claude Code", "waiting", true);
    await quiet(await start(u, "Claude Code", "waited, then went quiet", true));
    await quiet(await start(u, "Cursor", "went quiet while working"));
    const disconnected = await start(u, "Cursor", "disconnected");
    await u.agent.endSession.mutate({ agent_instance_id: disconnected, status: "DISCONNECTED" });
    const completed = await start(u, "Cursor", "completed");
    await u.user.markCompleted.mutate({ agent_instance_id: completed });
    const failed = await start(u, "Cursor", "failed");
    await u.agent.endSession.mutate({ agent_instance_id: failed, status: "FAILED" });

    const summary = await u.user.getSummary.query({});
    expect(summary).toMatchObject({
      total_instances: 7,
      // Quiet while working stays working (the status pill says offline; see statusCounts).
      working_instances: 2,
      awaiting_input_instances: 1,
      offline_instances: 2,
      completed_instances: 1,
      failed_instances: 1,
      active_instances: 3,
    });
    const parts =
      summary.working_instances +
      summary.awaiting_input_instances +
      summary.offline_instances +
      summary.completed_instances +
      summary.failed_instances;
    expect(parts).toBe(summary.total_instances);

    const types = await u.user.listAgentTypes.query({});
    const claude = types.find((t) => t.name === "claude code");
    const cursorType = types.find((t) => t.name === "cursor");
    expect(claude).toMatchObject({ total_instances: 3, active_instances: 2, awaiting_input_instances: 1 });
    expect(cursorType).toMatchObject({ total_instances: 4, active_instances: 1, awaiting_input_instances: 0 });
  });
});
