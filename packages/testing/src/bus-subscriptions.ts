import type { Bus, BusTopic } from "@omnara/db";

/** The topic of each subscription `bus` holds now, one entry per subscription. */
const held = new WeakMap<Bus, Set<{ topic: BusTopic }>>();

/**
 * How many subscriptions `bus` holds now, of those whose topic passes `where` (all by default).
 * The bus exposes no size, so its subscribe is wrapped the first time a bus is asked about
 * (count from then on; ask once before what you measure).
 */
export function busSubscriptions(bus: Bus, where?: (topic: BusTopic) => boolean): number {
  let subscriptions = held.get(bus);
  if (!subscriptions) {
    const live = new Set<{ topic: BusTopic }>();
    subscriptions = live;
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = (topic, handler) => {
      const entry = { topic };
      live.add(entry);
      const stop = subscribe(topic, handler);
      return () => {
        live.delete(entry);
        stop();
      };
    };
    held.set(bus, live);
  }
  if (!where) return subscriptions.size;
  let count = 0;
  for (const { topic } of subscriptions) if (where(topic)) count += 1;
  return count;
}

/**
 * A topic filter for busSubscriptions: subscriptions to one instance (a wait, an instance's
 * stream), or to any instance when no id is given. A call's credential watch subscribes to the
 * user's topic, so it never counts as a wait.
 */
export const instanceTopic =
  (instanceId?: string) =>
  (topic: BusTopic): boolean =>
    "agentInstanceId" in topic && (instanceId === undefined || topic.agentInstanceId === instanceId);
