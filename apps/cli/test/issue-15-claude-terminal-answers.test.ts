import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, onTestFailed, test } from "vitest";
import {
  bash,
  CLAUDE_WAIT_MS,
  claudeEnv,
  claudeEventually,
  claudeHome,
  keepReading,
  quitClaude,
  screenText,
  startClaudeTerminal,
} from "./claude-terminal.ts";
import { FakeAnthropic, toolResult } from "./fake-anthropic.ts";

/**
 * Issue 15: a session answered in the terminal never gets stuck. A terminal "No" and an Esc
 * leave Claude idle with no hook running; the instance waits for the user and a dashboard reply
 * reaches Claude's next request. A terminal "Yes" closes the dashboard question. Tool output
 * and a failed Write are mirrored as they happened.
 */
test("terminal No, Yes and Esc: the instance waits for you, replies reach Claude, results are mirrored", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  await using claude = claudeHome();
  const { home, project } = claude;
  writeFileSync(join(project, "notes.txt"), "a regular file\n");
  await using fake = await FakeAnthropic.start([
    { blocks: [{ type: "text", text: "Checking." }, bash("toolu_1", 'node -e "console.log(41+1)"')], stop: "tool_use" },
    { blocks: [bash("toolu_2", 'node -e "console.log(6*7)"')], stop: "tool_use" },
    {
      blocks: [
        {
          type: "tool_use",
          id: "toolu_3",
          name: "Write",
          input: { file_path: join(project, "notes.txt", "inner.txt"), content: "never written\n" },
        },
      ],
      stop: "tool_use",
    },
    { blocks: [bash("toolu_4", 'node -e "setTimeout(() => {}, 30000)"')], stop: "tool_use" },
    { blocks: [{ type: "text", text: "Fine, stopped." }], stop: "end_turn" },
  ]);
  const terminal = startClaudeTerminal(project, claudeEnv(home, fake.url, alice.apiKey, server.url));
  const screen = (mark: number) => screenText(terminal.stdout().slice(mark));
  const since = (mark: number, pattern: RegExp) =>
    claudeEventually(`terminal output ${pattern}`, async () => (pattern.test(screen(mark)) ? true : undefined));
  const detail = (id: string) => alice.user.getInstance.query({ agent_instance_id: id });
  let shown = "";
  onTestFailed(() => {
    console.log(`instance messages:\n${shown}\n\nscreen:\n${screen(Math.max(0, terminal.stdout().length - 4000))}`);
  });

  await terminal.waitForOutput(/shortcuts/, CLAUDE_WAIT_MS);
  let mark = terminal.stdout().length;
  terminal.type("check node please\r");
  const instanceId = await claudeEventually("the instance", async () => {
    const list = await alice.user.listInstances.query({});
    return list.instances.find((i) => i.name === "check node please")?.id;
  });
  using _shown = keepReading(async () => {
    const d = await detail(instanceId);
    shown = `${d.status}\n${d.messages.map((m) => `${m.sender_type} ${m.requires_user_input ? "?" : " "} ${m.content.slice(0, 160)} ${JSON.stringify(m.message_metadata)}`).join("\n")}`;
  });

  // 1. The permission prompt is answered "No" in the terminal.
  await claudeEventually("the first permission question", async () => {
    const d = await detail(instanceId);
    return d.status === "AWAITING_INPUT" && d.messages.at(-1)?.content.includes("41+1") ? true : undefined;
  });
  await since(mark, /Doyouwanttoproceed/);
  terminal.type("3");
  mark = terminal.stdout().length;
  const waiting = await claudeEventually("waiting for you after the terminal No", async () => {
    const d = await detail(instanceId);
    const last = d.messages.at(-1);
    return d.status === "AWAITING_INPUT" && last?.content.startsWith("Answered in the terminal: denied")
      ? last
      : undefined;
  });
  expect(waiting.message_metadata).toMatchObject({ kind: "answered_in_terminal", decision: "denied" });
  expect(waiting.requires_user_input).toBe(true);
  // Claude idles at "What should Claude do instead?"; the dashboard reply is its next input.
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "use the test script instead" });
  const second = await fake.mainRequest(2);
  expect(second.messagesText).toContain("use the test script instead");
  expect(toolResult(second, "toolu_1")).toContain('"is_error":true');

  // 2. The next prompt is answered "Yes" in the terminal: the dashboard question is closed as
  //    answered there, and the command's output is mirrored.
  await claudeEventually("the second permission question", async () => {
    const d = await detail(instanceId);
    return d.status === "AWAITING_INPUT" && d.messages.at(-1)?.content.includes("6*7") ? true : undefined;
  });
  await since(mark, /Doyouwanttoproceed/);
  terminal.type("1");
  const third = await fake.mainRequest(3);
  expect(toolResult(third, "toolu_2")).toContain("42");
  const afterYes = await claudeEventually("the terminal Yes and the output mirrored", async () => {
    const d = await detail(instanceId);
    const output = d.messages.find(
      (m) => m.message_metadata?.["tool_use_id"] === "toolu_2" && m.message_metadata?.["kind"] === "tool_result",
    );
    const note = d.messages.find((m) => m.content === "Answered in the terminal: allowed.");
    return output && note ? { output, note } : undefined;
  });
  expect(afterYes.output.content).toContain("42");
  expect(afterYes.output.message_metadata).toMatchObject({ tool_name: "Bash", is_error: false, exit_code: 0 });

  // 3. A Write whose parent is a regular file fails before it runs (ENOTDIR): shown as failed,
  //    without the diff of what was never written.
  const fourth = await fake.mainRequest(4);
  expect(toolResult(fourth, "toolu_3")).toContain('"is_error":true');
  const failedWrite = await claudeEventually("the failed Write mirrored", async () =>
    (await detail(instanceId)).messages.find((m) => m.message_metadata?.["tool_use_id"] === "toolu_3"),
  );
  expect(failedWrite.content).toMatch(/^Write `.*inner\.txt` failed, nothing was written/);
  expect(failedWrite.content).not.toContain("+never written");
  expect(failedWrite.message_metadata).toMatchObject({ kind: "tool_result", is_error: true });

  // 4. A long command allowed from the dashboard is interrupted with Esc in the terminal.
  await claudeEventually("the long command's permission question", async () => {
    const d = await detail(instanceId);
    return d.status === "AWAITING_INPUT" && d.messages.at(-1)?.content.includes("30000") ? true : undefined;
  });
  mark = terminal.stdout().length;
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "Allow" });
  await since(mark, /esctointerrupt/i);
  terminal.type("\x1b");
  const interrupted = await claudeEventually("waiting for you after Esc", async () => {
    const d = await detail(instanceId);
    const last = d.messages.at(-1);
    return d.status === "AWAITING_INPUT" && last?.content.startsWith("Interrupted in the terminal") ? last : undefined;
  });
  expect(interrupted.requires_user_input).toBe(true);
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "stop sleeping, just report" });
  const fifth = await fake.mainRequest(5);
  expect(fifth.messagesText).toContain("stop sleeping, just report");
  await claudeEventually("the answer mirrored", async () =>
    (await detail(instanceId)).messages.some((m) => m.content === "Fine, stopped.") ? true : undefined,
  );

  expect(await quitClaude(terminal)).toBe(0);
  expect((await detail(instanceId)).status).toBe("COMPLETED");
}, 300_000);
