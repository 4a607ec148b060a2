import type { Bus } from "@omnara/db";

const counters = new WeakMap<Bus, { size: number }>();

/**
 * How many subscriptions `bus` holds now. The bus exposes no size, so its subscribe is wrapped
 * the first time a bus is asked about (count from then on; ask once before what you measure).
 */
export function busSubscriptions(bus: Bus): number {
  let counter = counters.get(bus);
  if (!counter) {
    const state = { size: 0 };
    counter = state;
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = (topic, handler) => {
      state.size += 1;
      const stop = subscribe(topic, handler);
      let stopped = false;
      return () => {
        if (!stopped) state.size -= 1;
        stopped = true;
        stop();
      };
    };
    counters.set(bus, state);
  }
  return counter.size;
}
