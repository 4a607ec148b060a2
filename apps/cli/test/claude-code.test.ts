import { newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, test } from "vitest";
import {
  bash,
  CLAUDE_WAIT_MS,
  claudeEnv,
  claudeEventually,
  claudeHome,
  quitClaude,
  reportOnFailure,
  startClaudeTerminal,
} from "./claude-terminal.ts";
import { FakeAnthropic, toolResult } from "./fake-anthropic.ts";

/**
 * The real Claude Code, interactive, in a pseudo-terminal (util-linux `script`), against a fake
 * Anthropic API, with `omnara claude` attached to a real Omnara server. The test types in the
 * terminal like a user and answers from the user API like the dashboard.
 */
test("omnara claude mirrors a real Claude Code session and answers it from the dashboard", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  await using fake = await FakeAnthropic.start([
    {
      blocks: [
        { type: "text", text: "I will check the node version." },
        bash("toolu_1", 'node -e "console.log(41+1)"'),
      ],
      stop: "tool_use",
    },
    { blocks: [bash("toolu_2", 'node -e "console.log(7)"')], stop: "tool_use" },
    { blocks: [bash("toolu_3", 'node -e "console.log(7)"')], stop: "tool_use" },
    { blocks: [{ type: "text", text: "All done." }], stop: "end_turn" },
    { blocks: [{ type: "text", text: "Added the tests." }], stop: "end_turn" },
    { blocks: [{ type: "text", text: "Sure, renamed." }], stop: "end_turn" },
  ]);

  await using claude = claudeHome();
  const { home, project } = claude;
  const terminal = startClaudeTerminal(project, claudeEnv(home, fake.url, alice.apiKey, server.url));
  const type = terminal.type;
  using _shown = reportOnFailure(alice.user, fake, terminal);

  await terminal.waitForOutput(/shortcuts/, CLAUDE_WAIT_MS);
  type("check node please\r");

  // The session shows up, named after the first prompt, with the prompt and the tool use mirrored.
  const instanceId = await claudeEventually("the instance", async () => {
    const list = await alice.user.listInstances.query({});
    return list.instances.find((i) => i.name === "check node please")?.id;
  });
  const question = await claudeEventually("the permission question", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    return detail.status === "AWAITING_INPUT" ? detail.messages.at(-1) : undefined;
  });
  expect(question?.content).toContain("node -e");
  expect(question?.content).toContain("[OPTIONS]");

  // Deny with a reason from the dashboard: Claude's tool result carries it.
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "Deny: use the test script instead" });
  const second = await fake.mainRequest(2);
  const denied = toolResult(second, "toolu_1");
  expect(denied).toContain("use the test script instead");
  expect(denied).toContain('"is_error":true');

  // Allow for this session: the command runs, and the same command later runs without asking.
  await claudeEventually("the second permission question", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    const last = detail.messages.at(-1);
    return detail.status === "AWAITING_INPUT" && last?.content.includes("console.log(7)") ? last : undefined;
  });
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "Allow for this session" });
  const third = await fake.mainRequest(3);
  expect(toolResult(third, "toolu_2")).not.toContain('"is_error":true');
  expect(toolResult(third, "toolu_2")).toContain("7");
  const fourth = await fake.mainRequest(4);
  expect(toolResult(fourth, "toolu_3")).not.toContain('"is_error":true');
  expect(toolResult(fourth, "toolu_3")).toContain("7");
  const questions = (await alice.user.getInstance.query({ agent_instance_id: instanceId })).messages.filter((m) =>
    m.content.includes("[OPTIONS]"),
  );
  expect(questions).toHaveLength(2);

  // End of turn: the instance waits; a dashboard reply reaches Claude as its next input.
  await claudeEventually("the end-of-turn wait", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    return detail.status === "AWAITING_INPUT" && detail.messages.at(-1)?.content === "All done." ? true : undefined;
  });
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "Please also add tests" });
  const fifth = await fake.mainRequest(5);
  expect(fifth.messagesText).toContain("Please also add tests");
  await claudeEventually("the reply's answer mirrored", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    return detail.messages.some((m) => m.content === "Added the tests.") ? true : undefined;
  });

  // While it waits, the user types at the terminal instead: that ends the wait and is mirrored.
  await claudeEventually("the second end-of-turn wait", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    return detail.status === "AWAITING_INPUT" ? true : undefined;
  });
  type("rename it too\r");
  const sixth = await fake.mainRequest(6);
  expect(sixth.messagesText).toContain("rename it too");
  await claudeEventually("the terminal turn mirrored", async () => {
    const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
    return detail.messages.some((m) => m.content === "Sure, renamed.") ? true : undefined;
  });

  const mirrored = (await alice.user.getInstance.query({ agent_instance_id: instanceId })).messages;
  const texts = mirrored.map((m) => `${m.sender_type}: ${m.content}`);
  expect(texts).toContain("USER: check node please");
  expect(texts.filter((t) => t === "USER: rename it too")).toHaveLength(1);
  expect(texts.filter((t) => t === "USER: Please also add tests")).toHaveLength(1);
  expect(texts).toContain("AGENT: I will check the node version.");
  expect(texts.some((t) => t.startsWith("AGENT: Run node") && t.includes('$ node -e "console.log(41+1)"'))).toBe(true);

  // Ctrl+C twice, as a user quits Claude Code: the instance is completed, not left waiting.
  expect(await quitClaude(terminal)).toBe(0);
  const final = await alice.user.getInstance.query({ agent_instance_id: instanceId });
  expect(final.status).toBe("COMPLETED");
}, 300_000);
