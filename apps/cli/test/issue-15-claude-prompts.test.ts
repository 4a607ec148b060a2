import { newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, onTestFailed, test } from "vitest";
import {
  bash,
  claudeEnv,
  claudeEventually,
  claudeHome,
  quitClaude,
  reportOnFailure,
  screenText,
  startClaudeTerminal,
} from "./claude-terminal.ts";
import { startCli } from "./cli-process.ts";
import { FakeAnthropic, toolResult } from "./fake-anthropic.ts";

const questions = [
  {
    question: "Which database should the app use?",
    header: "Database",
    multiSelect: false,
    options: [
      { label: "PGlite", description: "embedded, nothing to install" },
      { label: "Postgres", description: "a server you run" },
    ],
  },
  {
    question: "What should I add?",
    header: "Extras",
    multiSelect: true,
    options: [
      { label: "Tests", description: "unit and end-to-end" },
      { label: "Docs", description: "the README" },
      { label: "Benchmarks", description: "npm run bench" },
    ],
  },
];

/**
 * Issue 15: every dialog Claude Code shows can be answered from the dashboard: AskUserQuestion
 * (buttons, multi-select, free text) and plan approval in an interactive session, and the
 * permission prompt of a headless `-p` run.
 */
test("AskUserQuestion and plan approval answered from the dashboard reach Claude", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  await using claude = claudeHome();
  const { home, project } = claude;
  await using fake = await FakeAnthropic.start([
    { blocks: [{ type: "tool_use", id: "toolu_q", name: "AskUserQuestion", input: { questions } }], stop: "tool_use" },
    {
      blocks: [
        { type: "tool_use", id: "toolu_p", name: "ExitPlanMode", input: { plan: "1. Add PGlite\n2. Write tests" } },
      ],
      stop: "tool_use",
    },
    { blocks: [{ type: "text", text: "Starting on the plan." }], stop: "end_turn" },
  ]);
  const terminal = startClaudeTerminal(project, claudeEnv(home, fake.url, alice.apiKey, server.url), [
    "--permission-mode",
    "plan",
  ]);
  const detail = (id: string) => alice.user.getInstance.query({ agent_instance_id: id });
  using _shown = reportOnFailure(alice.user, fake, terminal);
  const question = (id: string, text: string) =>
    claudeEventually(`the question "${text}"`, async () => {
      const d = await detail(id);
      const last = d.messages.at(-1);
      return d.status === "AWAITING_INPUT" && last?.content.includes(text) ? last : undefined;
    });

  await claudeEventually("the prompt", async () =>
    screenText(terminal.stdout()).includes("foragents") ? true : undefined,
  );
  terminal.type("plan the storage work\r");
  const instanceId = await claudeEventually("the instance", async () => {
    const list = await alice.user.listInstances.query({});
    return list.instances.find((i) => i.name === "plan the storage work")?.id;
  });

  // Each of Claude's questions is asked in turn, its options as the dashboard's buttons.
  const first = await question(instanceId, "Which database should the app use?");
  expect(first.content).toContain("[OPTIONS]\n1. PGlite\n2. Postgres\n[/OPTIONS]");
  expect(first.content).toContain("embedded, nothing to install");
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "2" });
  const second = await question(instanceId, "What should I add?");
  expect(second.content).toContain("[OPTIONS]\n1. Tests\n2. Docs\n3. Benchmarks\n[/OPTIONS]");
  expect(second.content).toContain("several labels separated by commas");
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "Tests, Docs" });
  const afterAnswers = await fake.mainRequest(2);
  const answered = toolResult(afterAnswers, "toolu_q") ?? "";
  expect(answered).not.toContain('"is_error":true');
  expect(answered).toContain('\\"Which database should the app use?\\"=\\"Postgres\\"');
  expect(answered).toContain('\\"What should I add?\\"=\\"Tests, Docs\\"');

  // Plan approval: the plan is shown with the terminal's three choices.
  const plan = await question(instanceId, "Claude has a plan");
  expect(plan.content).toContain("1. Add PGlite");
  expect(plan.content).toContain("Approve, ask before edits");
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "Approve, ask before edits" });
  const afterPlan = await fake.mainRequest(3);
  const approved = toolResult(afterPlan, "toolu_p") ?? "";
  expect(approved).not.toContain('"is_error":true');
  expect(approved.toLowerCase()).toContain("approved");
  await claudeEventually("the turn mirrored", async () =>
    (await detail(instanceId)).messages.some((m) => m.content === "Starting on the plan.") ? true : undefined,
  );

  // The end-of-turn hook may still be running: a first Ctrl-C then only interrupts it ("What
  // should Claude do instead?"); quitClaude types the pair until Claude exits.
  expect(await quitClaude(terminal)).toBe(0);
}, 300_000);

test("a headless claude -p run asks its permission prompt on the dashboard", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  await using claude = claudeHome();
  const { home, project } = claude;
  await using fake = await FakeAnthropic.start([
    { blocks: [bash("toolu_1", 'node -e "console.log(6*7)"')], stop: "tool_use" },
    { blocks: [{ type: "text", text: "It printed 42." }], stop: "end_turn" },
  ]);
  const env = claudeEnv(home, fake.url, alice.apiKey, server.url);
  const run = startCli(["claude", "-p", "print six times seven"], env, undefined, project);
  run.child.stdin?.end();
  onTestFailed(() => {
    console.log(`claude -p output:\n${run.stdout()}\n${run.stderr()}`);
  });
  const instanceId = await claudeEventually("the instance", async () => {
    const list = await alice.user.listInstances.query({});
    return list.instances[0]?.id;
  });
  const asked = await claudeEventually("the permission question", async () => {
    const d = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    return d.status === "AWAITING_INPUT" ? d.messages.at(-1) : undefined;
  });
  expect(asked?.content).toContain("6*7");
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "Yes" });
  const second = await fake.mainRequest(2);
  expect(toolResult(second, "toolu_1")).toContain("42");
  expect(await run.exited).toBe(0);
  expect(run.stdout()).toContain("It printed 42.");
  const final = await alice.user.getInstance.query({ agent_instance_id: instanceId });
  expect(final.status).toBe("COMPLETED");
}, 240_000);
