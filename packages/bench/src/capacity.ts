import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { type CoreDeps, events, ownerAccess, reply, waitForReply } from "@omnara/core";
import { Fanout, schema } from "@omnara/db";
import { busSubscriptions, startTestServer } from "@omnara/testing";
import { type Summary, summarize } from "./stats.ts";

/**
 * Capacity of one server process: 10 000 agents blocked in waitForReply and 1 000 dashboard
 * streams open at once, on the real core over the machine's Postgres (LISTEN/NOTIFY bus, the
 * waits' heartbeats and safety re-checks all running). The waits and streams are driven through
 * core directly, so the figures are the server's own costs, not those of 11 000 sockets in the
 * load generator sharing its two cores.
 */
export interface CapacityOptions {
  users: number;
  instancesPerUser: number;
  streamsPerUser: number;
  rounds: number;
}

export interface CapacityResult {
  waits: number;
  streams: number;
  rssBaseMiB: number;
  rssLoadedMiB: number;
  /** Per wait and stream, from the RSS growth. */
  bytesPerSubscriber: number;
  openWaitsMs: number;
  openStreamsMs: number;
  /** Reply stored (core call returned) → the waiting agent's wait resolved. */
  wakeIdle: Summary;
  wakeLoaded: Summary;
  /** Reply stored → the message on every one of that user's open streams. */
  streamIdle: Summary;
  streamLoaded: Summary;
  /** The in-process fan-out alone: µs to deliver one event, empty vs holding every subscriber. */
  fanoutEmptyUs: Summary;
  fanoutLoadedUs: Summary;
  subscribeUs: number;
  unsubscribeUs: number;
  /** Aborting every wait and stream: until all have returned. */
  closeAllMs: number;
  /** Bus subscriptions left after everything closed (a leak when not 0). */
  leftSubscribed: number;
}

const MiB = 1024 * 1024;

interface Seeded {
  userId: string;
  instances: { id: string; lastMessageId: string }[];
}

async function seed(deps: CoreDeps, options: CapacityOptions): Promise<Seeded[]> {
  const { db } = deps;
  const seeded: Seeded[] = [];
  for (let u = 0; u < options.users; u++) {
    const [user] = await db
      .insert(schema.users)
      .values({ email: `capacity-${u}-${randomUUID()}@example.com` })
      .returning({ id: schema.users.id });
    if (!user) throw new Error("no user");
    const [type] = await db
      .insert(schema.agentTypes)
      .values({ userId: user.id, name: "capacity" })
      .returning({ id: schema.agentTypes.id });
    if (!type) throw new Error("no agent type");
    const instances = Array.from({ length: options.instancesPerUser }, () => ({
      id: randomUUID(),
      agentTypeId: type.id,
      userId: user.id,
      status: "AWAITING_INPUT" as const,
    }));
    await db.insert(schema.agentInstances).values(instances);
    const questions = await db
      .insert(schema.messages)
      .values(
        instances.map((instance) => ({
          agentInstanceId: instance.id,
          senderType: "AGENT" as const,
          content: "Continue?",
          requiresUserInput: true,
        })),
      )
      .returning({ id: schema.messages.id, agentInstanceId: schema.messages.agentInstanceId });
    const byInstance = new Map(questions.map((q) => [q.agentInstanceId, q.id]));
    seeded.push({
      userId: user.id,
      instances: instances.map(({ id }) => ({ id, lastMessageId: byInstance.get(id) ?? "" })),
    });
  }
  return seeded;
}

/** One user's open dashboard tabs: each records when a message id first reached it. */
function openStreams(deps: CoreDeps, userId: string, count: number, signal: AbortSignal) {
  const seen = Array.from({ length: count }, () => new Map<string, number>());
  const waiters = new Set<() => void>();
  const done = seen.map(async (map) => {
    for await (const { event } of events(deps, { userId }, undefined, {}, signal)) {
      if (event.type !== "message") continue;
      map.set(event.message.id, performance.now());
      for (const wake of [...waiters]) wake();
    }
  });
  /** When every tab has `messageId`, as the latest of their arrival times. */
  const arrived = (messageId: string) =>
    new Promise<number>((resolve) => {
      const check = () => {
        if (!seen.every((map) => map.has(messageId))) return;
        waiters.delete(check);
        resolve(Math.max(...seen.map((map) => map.get(messageId) ?? 0)));
      };
      waiters.add(check);
      check();
    });
  return { done, arrived };
}

/** Replies to each instance in turn while its agent waits and its user's tabs are open. */
async function deliveryRounds(
  deps: CoreDeps,
  user: Seeded,
  streams: ReturnType<typeof openStreams>,
  load: { rounds: number; waiting: Map<string, Promise<unknown>>; signal: AbortSignal },
) {
  const { rounds, waiting, signal } = load;
  const wake: number[] = [];
  const shown: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const instance = user.instances[i % user.instances.length];
    if (!instance) break;
    const caller = { userId: user.userId, apiKeyId: "" };
    let wait = waiting.get(instance.id);
    if (!wait) {
      // A new wait: timed only once it is subscribed, as the standing ones are.
      const before = busSubscriptions(deps.bus);
      wait = waitForReply(
        deps,
        caller,
        { agent_instance_id: instance.id, after_message_id: instance.lastMessageId, timeout_seconds: 600 },
        signal,
      );
      await until(() => busSubscriptions(deps.bus) > before);
    }
    const woke = wait.then(() => performance.now());
    const sent = await reply(deps, ownerAccess({ userId: user.userId }, instance.id), {
      agent_instance_id: instance.id,
      content: `r${i}`,
    });
    const stored = performance.now();
    const [wokeAt, shownAt] = await deadline(Promise.all([woke, streams.arrived(sent.id)]), `round ${i}`);
    wake.push(wokeAt - stored);
    shown.push(shownAt - stored);
    instance.lastMessageId = sent.id;
    waiting.delete(instance.id);
  }
  return { wake: summarize(wake), shown: summarize(shown) };
}

function fanoutCost(subscribers: { users: string[]; instances: string[] }, streamsPerUser: number, rounds: number) {
  const fanout = new Fanout();
  const empty: number[] = [];
  const event = (userId: string, agentInstanceId: string) =>
    ({
      type: "message",
      userId,
      agentInstanceId,
      messageId: "",
      senderType: "USER",
      requiresUserInput: false,
    }) as const;
  const sample = (into: number[]) => {
    for (let i = 0; i < rounds; i++) {
      const userId = subscribers.users[i % subscribers.users.length] ?? "";
      const instanceId = subscribers.instances[i % subscribers.instances.length] ?? "";
      const started = performance.now();
      fanout.deliver(event(userId, instanceId));
      into.push((performance.now() - started) * 1000);
    }
  };
  sample(empty);
  const handler = () => {};
  const subscribeStarted = performance.now();
  const stops = [
    ...subscribers.instances.map((agentInstanceId) => fanout.subscribe({ agentInstanceId }, handler)),
    ...subscribers.users.flatMap((userId) =>
      Array.from({ length: streamsPerUser }, () => fanout.subscribe({ userId }, handler)),
    ),
  ];
  const subscribeUs = ((performance.now() - subscribeStarted) * 1000) / stops.length;
  const loaded: number[] = [];
  sample(loaded);
  const unsubscribeStarted = performance.now();
  for (const stop of stops) stop();
  const unsubscribeUs = ((performance.now() - unsubscribeStarted) * 1000) / stops.length;
  return { empty: summarize(empty), loaded: summarize(loaded), subscribeUs, unsubscribeUs };
}

export async function capacity(options: CapacityOptions): Promise<CapacityResult> {
  const server = await startTestServer("postgres", { env: { OMNARA_MAX_CONNECTIONS_PER_ADDRESS: "0" } });
  const { deps } = server;
  busSubscriptions(deps.bus);
  const abort = new AbortController();
  // Every wait and stream listens on this one signal.
  setMaxListeners(0, abort.signal);
  try {
    const users = await seed(deps, options);
    const [probe, ...rest] = users;
    if (!probe) throw new Error("no users");

    // Idle: one user's tabs and one wait at a time, nothing else subscribed.
    const idleStreams = openStreams(deps, probe.userId, options.streamsPerUser, abort.signal);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = await deliveryRounds(deps, probe, idleStreams, {
      rounds: options.rounds,
      waiting: new Map(),
      signal: abort.signal,
    });

    const rssBase = process.memoryUsage().rss;
    const waiting = new Map<string, Promise<unknown>>();
    const openWaitsStarted = performance.now();
    const subscribedBefore = busSubscriptions(deps.bus);
    const everyone = [probe, ...rest];
    for (const user of everyone) {
      for (const instance of user.instances) {
        const wait = waitForReply(
          deps,
          { userId: user.userId, apiKeyId: "" },
          { agent_instance_id: instance.id, after_message_id: instance.lastMessageId, timeout_seconds: 600 },
          abort.signal,
        );
        wait.catch(() => {});
        waiting.set(instance.id, wait);
      }
    }
    const waits = waiting.size;
    await until(() => busSubscriptions(deps.bus) - subscribedBefore >= waits);
    const openWaitsMs = performance.now() - openWaitsStarted;

    const openStreamsStarted = performance.now();
    const streamSets = rest.map((user) => openStreams(deps, user.userId, options.streamsPerUser, abort.signal));
    const streams = options.streamsPerUser * everyone.length;
    await until(() => busSubscriptions(deps.bus) - subscribedBefore >= waits + streams - options.streamsPerUser);
    const openStreamsMs = performance.now() - openStreamsStarted;
    const rssLoaded = process.memoryUsage().rss;

    const loaded = await deliveryRounds(deps, probe, idleStreams, {
      rounds: options.rounds,
      waiting,
      signal: abort.signal,
    });

    const closeStarted = performance.now();
    abort.abort();
    // Every wait and every tab's stream, each its own promise: an array among them would settle at
    // once, and the close time and the leak count would be read before the streams had ended.
    await Promise.allSettled([...waiting.values(), ...idleStreams.done, ...streamSets.flatMap((s) => s.done)]);
    const closeAllMs = performance.now() - closeStarted;

    const fanout = fanoutCost(
      { users: everyone.map((u) => u.userId), instances: everyone.flatMap((u) => u.instances.map((i) => i.id)) },
      options.streamsPerUser,
      10_000,
    );
    return {
      waits,
      streams,
      rssBaseMiB: rssBase / MiB,
      rssLoadedMiB: rssLoaded / MiB,
      bytesPerSubscriber: (rssLoaded - rssBase) / (waits + streams),
      openWaitsMs,
      openStreamsMs,
      wakeIdle: idle.wake,
      wakeLoaded: loaded.wake,
      streamIdle: idle.shown,
      streamLoaded: loaded.shown,
      fanoutEmptyUs: fanout.empty,
      fanoutLoadedUs: fanout.loaded,
      subscribeUs: fanout.subscribeUs,
      unsubscribeUs: fanout.unsubscribeUs,
      closeAllMs,
      leftSubscribed: busSubscriptions(deps.bus),
    };
  } finally {
    abort.abort();
    await server.close();
    await server.testDatabase.drop();
  }
}

async function until(done: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("capacity bench: timed out opening waits and streams");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A round that never completes is a failure to report, not a bench that hangs. */
async function deadline<T>(work: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`capacity bench: ${what} not delivered within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
