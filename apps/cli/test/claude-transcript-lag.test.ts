import { randomUUID } from "node:crypto";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Omnara } from "@omnara/sdk";
import { describeEachDatabase, eventually, newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, test } from "vitest";
import { ClaudeBridge } from "../src/claude/bridge.ts";

const ROUNDS = 100;
/** Rounds at once: each is its own Claude session with its own transcript. */
const BATCH = 20;

/**
 * Claude Code writes its transcript through a queue it drains on a 100 ms timer, while the Stop
 * hook's input (`last_assistant_message`) comes from its memory: on a loaded machine the hook
 * reaches `omnara claude` before the turn's last lines are in the file (the last tool result, the
 * final text). Here the test plays Claude Code: it writes the transcript as Claude does, sends the
 * hooks through the bridge as Claude's hook processes do, and appends the turn's tail a random
 * moment after the Stop (often after it was handled, sometimes before).
 */
const line = (entry: Record<string, unknown>) => `${JSON.stringify({ uuid: randomUUID(), ...entry })}\n`;
const assistant = (content: unknown[]) => line({ type: "assistant", message: { role: "assistant", content } });

describeEachDatabase("end of turn while Claude Code's transcript lags", (kind) => {
  test(`the turn's last text is what the instance waits on, after the tool output (${ROUNDS} rounds)`, async () => {
    await using server = await startTestServer(kind);
    const alice = await newUserWithKey(server.url, "lag");
    const dir = mkdtempSync(join(tmpdir(), "omnara-transcript-lag-"));
    const logged: string[] = [];
    const bridge = new ClaudeBridge({
      omnara: new Omnara({ apiKey: alice.apiKey, baseUrl: server.url }),
      printMode: false,
      cwd: dir,
      log: (text) => logged.push(text),
    });
    const aborted = new AbortController().signal;

    const round = async (n: number) => {
      const sessionId = randomUUID();
      const transcript = join(dir, `${sessionId}.jsonl`);
      const base = { session_id: sessionId, transcript_path: transcript, cwd: dir };
      const prompt = `round ${n}`;
      writeFileSync(transcript, line({ type: "user", message: { role: "user", content: prompt } }));
      await bridge.handle("UserPromptSubmit", { ...base, prompt }, aborted);
      appendFileSync(
        transcript,
        assistant([{ type: "tool_use", id: `toolu_${n}`, name: "Bash", input: { command: `echo ${n}` } }]),
      );
      await bridge.handle("PreToolUse", { ...base, tool_name: "Bash", tool_use_id: `toolu_${n}` }, aborted);
      await bridge.handle("PostToolUse", { ...base, tool_name: "Bash", tool_use_id: `toolu_${n}` }, aborted);

      // The Stop arrives with the tool result and the final text still in Claude Code's queue.
      const finalText = `Done with round ${n}.`;
      const flushed = new Promise<void>((resolve) =>
        setTimeout(
          () => {
            appendFileSync(
              transcript,
              line({
                type: "user",
                message: {
                  role: "user",
                  content: [{ type: "tool_result", tool_use_id: `toolu_${n}`, content: `out ${n}` }],
                },
              }) + assistant([{ type: "text", text: finalText }]),
            );
            resolve();
          },
          Math.floor(Math.random() * 400),
        ),
      );
      await bridge.handle("Stop", { ...base, last_assistant_message: finalText }, aborted);
      await flushed;

      // Once the late tool result is on the dashboard (mirrored from the file, however late), the
      // instance still waits (no step after the wait moved it back to ACTIVE), on the final text,
      // with each thing once and in the turn's order.
      const mirrored = await eventually(
        `round ${n}: the tool output mirrored`,
        async () => {
          const detail = await alice.user.getInstance.query({ agent_instance_id: sessionId });
          return detail.messages.some((m) => m.content.startsWith("Bash output")) ? detail : undefined;
        },
        10_000,
      );
      expect({ round: n, messages: mirrored.messages.map((m) => m.content.split("\n")[0]) }).toEqual({
        round: n,
        messages: [prompt, "```bash", "Bash output", finalText],
      });
      const waiting = await eventually(
        `round ${n}: waiting on the final text`,
        async () => {
          const detail = await alice.user.getInstance.query({ agent_instance_id: sessionId });
          // Both, in one read: getInstance reads the status and the messages side by side, so on
          // Postgres one read can see the wait's status but not yet its question mark.
          return detail.status === "AWAITING_INPUT" && detail.messages.at(-1)?.requires_user_input ? detail : undefined;
        },
        10_000,
      ).catch(async () => alice.user.getInstance.query({ agent_instance_id: sessionId }));
      expect({
        round: n,
        status: waiting.status,
        last: waiting.messages.at(-1)?.content,
        question: waiting.messages.at(-1)?.requires_user_input,
        count: waiting.messages.length,
      }).toEqual({ round: n, status: "AWAITING_INPUT", last: finalText, question: true, count: 4 });
    };

    for (let start = 0; start < ROUNDS; start += BATCH) {
      await Promise.all(Array.from({ length: BATCH }, (_, i) => round(start + i)));
    }
    await bridge.closeAll();
  }, 300_000);
});
