import { Omnara } from "@omnara/sdk";
import { newUserWithKey } from "@omnara/testing";
import { summarize } from "./stats.ts";
import type { LatencyResult } from "./wake-latency.ts";

export interface AskLatencyResult {
  /** From the user's reply leaving their client to `session.ask` resolving in the agent. */
  replyToAnswer: LatencyResult;
  /** A whole `session.ask`: question stored, the user's reply, the agent woken. */
  ask: LatencyResult;
}

/**
 * ask → reply latency as an agent using the SDK sees it. The "user" replies the moment the
 * question is stored (the SDK's own fetch reports that answer: an event, no polling or sleeps),
 * as fast as a person watching the dashboard could, minus the person.
 */
export async function sdkAskLatency(url: string, rounds: number): Promise<AskLatencyResult> {
  const human = await newUserWithKey(url, "sdk-bench");
  let onQuestionStored: () => void = () => {};
  const fetchWithEvents: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (String(input).endsWith("/sendMessage")) onQuestionStored();
    return response;
  };
  const omnara = new Omnara({ apiKey: human.apiKey, baseUrl: url, fetch: fetchWithEvents, heartbeatIntervalMs: 0 });
  const session = await omnara.session({ agentType: "bench", name: "ask latency" });
  const replyToAnswer: number[] = [];
  const asks: number[] = [];
  // A few untimed rounds first: connection pools, JIT and the server's prepared queries warm up.
  for (let round = -10; round < rounds; round += 1) {
    let repliedAt = 0;
    const replied = new Promise<void>((resolve, reject) => {
      onQuestionStored = () => {
        onQuestionStored = () => {};
        repliedAt = performance.now();
        human.user.reply
          .mutate({ agent_instance_id: session.id, content: `answer ${round}` })
          .then(() => resolve(), reject);
      };
    });
    const started = performance.now();
    const answer = await session.ask(`question ${round}?`, { timeoutMs: 30_000 });
    const answeredAt = performance.now();
    await replied;
    if (answer.text !== `answer ${round}`) throw new Error(`round ${round}: got "${answer.text}"`);
    if (round < 0) continue;
    replyToAnswer.push(answeredAt - repliedAt);
    asks.push(answeredAt - started);
  }
  await session.end();
  return { replyToAnswer: summarize(replyToAnswer), ask: summarize(asks) };
}
