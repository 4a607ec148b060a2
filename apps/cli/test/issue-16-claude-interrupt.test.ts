import { newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, onTestFailed, test } from "vitest";
import {
  CLAUDE_WAIT_MS,
  claudeEnv,
  claudeEventually,
  claudeHome,
  screenText,
  startClaudeTerminal,
} from "./claude-terminal.ts";
import { FakeAnthropic } from "./fake-anthropic.ts";

const long = Array.from({ length: 400 }, (_, i) => `word${i} `).join("");

/**
 * Issue 16: the dashboard steers a real Claude Code under `omnara claude`. An interrupt stops a
 * turn that is streaming (no hook runs then) and the instance waits for the user; a
 * message sent while Claude works shows queued, then delivered, and is Claude's next input; stop
 * ends the session and the process.
 */
test("interrupt mid-stream, a message sent while working, stop", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  await using claude = claudeHome();
  const { home, project } = claude;
  await using fake = await FakeAnthropic.start([
    { blocks: [{ type: "text", text: long }], stop: "end_turn", streamMs: 120_000 },
    { blocks: [{ type: "text", text: "Short answer now." }], stop: "end_turn", streamMs: 10_000 },
    { blocks: [{ type: "text", text: "Docs noted." }], stop: "end_turn" },
  ]);
  const terminal = startClaudeTerminal(project, claudeEnv(home, fake.url, alice.apiKey, server.url));
  const detail = (id: string) => alice.user.getInstance.query({ agent_instance_id: id });
  onTestFailed(() => {
    console.log(`screen:\n${screenText(terminal.stdout()).slice(-3000)}`);
  });

  await terminal.waitForOutput(/shortcuts/, CLAUDE_WAIT_MS);
  terminal.type("talk at length\r");
  const instanceId = await claudeEventually("the instance", async () => {
    const list = await alice.user.listInstances.query({});
    return list.instances.find((i) => i.name === "talk at length")?.id;
  });
  await fake.mainRequest(1);
  await claudeEventually("streaming", async () => (/word20/.test(screenText(terminal.stdout())) ? true : undefined));

  // 1. Interrupt: the stream is cut (Claude hangs up on the fake API) and the instance waits for
  //    the user. How fast is logged, not asserted: it measures the machine as much as the code.
  const asked = Date.now();
  await alice.user.interruptInstance.mutate({ agent_instance_id: instanceId });
  await claudeEventually("the stream cut", async () => (fake.hangUps > 0 ? true : undefined));
  console.log(`interrupt latency: ${Date.now() - asked} ms`);
  const waiting = await claudeEventually("waiting for you after the interrupt", async () => {
    const d = await detail(instanceId);
    const last = d.messages.at(-1);
    return d.status === "AWAITING_INPUT" && last?.content.startsWith("Interrupted from the dashboard")
      ? last
      : undefined;
  });
  expect(waiting.message_metadata).toMatchObject({ kind: "interrupted", from: "dashboard" });

  // 2. A reply starts the next turn; a message sent while it streams is queued, then delivered.
  await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "be brief" });
  const second = await fake.mainRequest(2);
  expect(second.messagesText).toContain("be brief");
  const queued = await alice.user.reply.mutate({ agent_instance_id: instanceId, content: "then note the docs" });
  const deliveryOf = async () =>
    (await alice.user.listMessages.query({ agent_instance_id: instanceId })).messages.find((m) => m.id === queued.id)
      ?.delivery;
  expect(await deliveryOf()).toBe("queued");
  const third = await fake.mainRequest(3);
  expect(third.messagesText).toContain("then note the docs");
  expect(await deliveryOf()).toBe("delivered");

  // 3. Stop: the session is completed and Claude Code exits.
  await claudeEventually("the third turn mirrored", async () =>
    (await detail(instanceId)).messages.some((m) => m.content === "Docs noted.") ? true : undefined,
  );
  await alice.user.stopInstance.mutate({ agent_instance_id: instanceId });
  const code = await Promise.race([
    terminal.exited,
    new Promise<"running">((resolve) => setTimeout(() => resolve("running"), CLAUDE_WAIT_MS).unref()),
  ]);
  expect(code).not.toBe("running");
  expect((await detail(instanceId)).status).toBe("COMPLETED");
}, 360_000);
