import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";
import { type Summary, summarize } from "./stats.ts";

export type LatencyResult = Summary;

/**
 * How long the user takes to answer, in the bench's settled rounds. A person answers a question
 * seconds after it was asked (usually because its notification reached them), so by then the
 * server has handled the question's notification job; replying the same millisecond instead
 * times the wake together with that work (both rows are reported).
 */
export const ANSWER_AFTER_MS = 50;

/** Hooks around each round's reply: `beforeReply` runs just before the clock starts. */
export interface WakeRoundHooks {
  beforeReply?: () => void;
  woken: (started: number, woken: number) => void;
}

/**
 * An agent waits (long-poll over tRPC HTTP); the user replies over HTTP `answerAfterMs` after the
 * question; each round is timed from the reply leaving the user's client to the agent's wait
 * returning. The wait is in flight before the clock starts, so this is the push path: store →
 * NOTIFY → wake → respond.
 */
export async function wakeRounds(
  url: string,
  name: string,
  rounds: number,
  answerAfterMs: number,
  hooks: WakeRoundHooks,
): Promise<void> {
  const who = await newUserWithKey(url, name);
  const id = randomUUID();
  await who.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "bench", content: "start" });
  for (let i = 0; i < rounds; i++) {
    const q = await who.agent.sendMessage.mutate({
      agent_instance_id: id,
      content: `q${i}`,
      requires_user_input: true,
    });
    const waiting = who.agent.waitForReply.query({
      agent_instance_id: id,
      after_message_id: q.message_id,
      timeout_seconds: 30,
    });
    // Let the wait reach the server and subscribe: a round trip on the same connection pool.
    await who.agent.verifyKey.query({});
    if (answerAfterMs > 0) await new Promise((resolve) => setTimeout(resolve, answerAfterMs));
    hooks.beforeReply?.();
    const started = performance.now();
    await who.user.reply.mutate({ agent_instance_id: id, content: `a${i}` });
    const result = await waiting;
    const woken = performance.now();
    if (result.status !== "replied") throw new Error(`round ${i}: the agent was not woken`);
    hooks.woken(started, woken);
  }
}

/** The wake's latency over `rounds` rounds (see wakeRounds). */
export async function wakeLatency(url: string, rounds: number, answerAfterMs: number): Promise<LatencyResult> {
  const samples: number[] = [];
  await wakeRounds(url, "bench-wake", rounds, answerAfterMs, {
    woken: (started, woken) => samples.push(woken - started),
  });
  return summarize(samples);
}

/** A bare HTTP round trip to the same server, the baseline for the figures above. */
export async function httpRoundTrip(url: string, rounds: number): Promise<LatencyResult> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/healthz`);
    await res.text();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}
