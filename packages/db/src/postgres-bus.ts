import type { Sql } from "postgres";
import { BUS_CHANNEL, type Bus, type BusEvent, parseBusEvents } from "./bus.ts";
import { Fanout } from "./fanout.ts";
import { NotifyBatcher } from "./notify-batcher.ts";

/**
 * How long postgres.js waits before reconnecting, in seconds, after `retries` failed attempts.
 * Its default grows to 20 s, so after a few seconds of outage the LISTEN connection came back
 * seconds after the database did; every NOTIFY in that gap is lost. Capped at half a second.
 */
export const reconnectBackoff = (retries: number): number => Math.min(0.05 * 2 ** retries, 0.5);

/** When a failed NOTIFY is sent again, in ms after the failure; then it is given up (logged). */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000, 15_000];

export interface PostgresBusOptions {
  client: Sql;
  /** Where a failed NOTIFY is reported; it never fails the write that published it. */
  log: (error: unknown) => void;
}

/**
 * The change bus between processes: LISTEN on one dedicated connection (postgres.js re-listens
 * after reconnecting), NOTIFY coalesced through the pool.
 *
 * publish() is called after the write committed, so it never rejects: a failed NOTIFY is logged,
 * delivered to this process's subscribers at once, and sent again in the background for the
 * others. Subscribers treat events as "re-read this", so a repeat costs a query, not a wrong answer.
 */
export async function createPostgresBus({ client, log }: PostgresBusOptions): Promise<Bus> {
  const fanout = new Fanout();
  const timers = new Set<NodeJS.Timeout>();
  let listened = false;
  const listener = await client.listen(
    BUS_CHANNEL,
    (payload) => {
      for (const event of parseBusEvents(payload)) fanout.deliver(event);
    },
    () => {
      // The first call is the initial LISTEN; every later one follows a lost connection.
      if (listened) fanout.reconnected();
      listened = true;
    },
  );
  const batcher = new NotifyBatcher(async (payloads) => {
    // A JSON array, not text[]: the pool does not fetch array types (see client.ts).
    await client`select pg_notify(${BUS_CHANNEL}, payload) from json_array_elements_text(${JSON.stringify(payloads)}::json) as payload`;
  });

  const retry = (events: readonly BusEvent[], attempt: number) => {
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) {
      log(new Error(`NOTIFY of ${events.length} event(s) given up after ${attempt} retries`));
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      batcher.publish(events).catch(() => retry(events, attempt + 1));
    }, delay);
    timers.add(timer);
  };

  return {
    publish: async (events) => {
      try {
        await batcher.publish(events);
      } catch (error) {
        log(new Error(`NOTIFY after commit failed (${describe(error)}); delivered locally, retrying`));
        for (const event of events) fanout.deliver(event);
        retry(events, 0);
      }
    },
    subscribe: (topic, handler) => fanout.subscribe(topic, handler),
    onReconnect: (handler) => fanout.onReconnect(handler),
    notifyChannel: BUS_CHANNEL,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await listener.unlisten();
    },
  };
}

/** The error's code and message only: a query error carries its parameters (message text). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const code = "code" in error && typeof error.code === "string" ? `${error.code}: ` : "";
  return `${code}${error.message}`;
}
