import { randomUUID } from "node:crypto";
import { type CountingProxy, newUserWithKey } from "@omnara/testing";

export interface RoundTrips {
  /** Median database round trips of one REST step (POST /api/v1/messages/agent). */
  step: number;
  /** … of one question (the same route with requires_user_input). */
  question: number;
  /** … of one user reply (tRPC user reply) to a waiting question. */
  reply: number;
  /** Median round trips the dispatcher made in the 150 ms after each kind of request. */
  background: { step: number; question: number; reply: number };
  /** The statements of one step, in order, as the database saw them. */
  stepStatements: string[];
  questionStatements: string[];
  replyStatements: string[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Round trips to Postgres per operation, counted on the wire by a proxy between the server and
 * the database. Operations run one at a time; background work (dispatcher, sweeps) can land in a
 * sample, so the median of many is reported and the statements shown are the median sample's.
 */
export async function roundTrips(url: string, proxy: CountingProxy, rounds: number): Promise<RoundTrips> {
  const who = await newUserWithKey(url, "bench-round-trips");
  const id = randomUUID();
  await who.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "bench", content: "start" });
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${url}/api/v1/messages/agent`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ agent_instance_id: id, ...body }),
    });
    if (res.status !== 200) throw new Error(`send failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as { message_id: string };
  };
  const measure = async (action: () => Promise<unknown>) => {
    proxy.takeStatements();
    const before = proxy.roundTrips;
    await action();
    // The bus NOTIFY goes out before the response, so the request's work is all counted here.
    const count = proxy.roundTrips - before;
    const statements = proxy.takeStatements();
    // What the request set off in the background (the notification dispatcher), counted apart.
    const settled = proxy.roundTrips;
    await new Promise((resolve) => setTimeout(resolve, 150));
    return { count, statements, background: proxy.roundTrips - settled };
  };
  const samples = { step: [] as Awaited<ReturnType<typeof measure>>[], question: [], reply: [] } as Record<
    "step" | "question" | "reply",
    Awaited<ReturnType<typeof measure>>[]
  >;
  // Steps first, while no notification is pending: the dispatcher's timers stay quiet.
  for (let i = 0; i < rounds; i++) samples.step.push(await measure(() => post({ content: `step ${i}` })));
  for (let i = 0; i < rounds; i++) {
    samples.question.push(await measure(() => post({ content: `question ${i}`, requires_user_input: true })));
    samples.reply.push(await measure(() => who.user.reply.mutate({ agent_instance_id: id, content: `answer ${i}` })));
  }
  const pick = (list: Awaited<ReturnType<typeof measure>>[]) => {
    const m = median(list.map((sample) => sample.count));
    return {
      count: m,
      background: median(list.map((sample) => sample.background)),
      statements: list.find((sample) => sample.count === m)?.statements ?? [],
    };
  };
  const step = pick(samples.step);
  const question = pick(samples.question);
  const reply = pick(samples.reply);
  return {
    step: step.count,
    question: question.count,
    reply: reply.count,
    background: { step: step.background, question: question.background, reply: reply.background },
    stepStatements: step.statements,
    questionStatements: question.statements,
    replyStatements: reply.statements,
  };
}
