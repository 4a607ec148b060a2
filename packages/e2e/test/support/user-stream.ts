import { UserEvent } from "@omnara/contracts";
import { LIVE_WITHIN_MS } from "@omnara/testing";

/**
 * A user's live stream read over SSE with fetch, as a browser's EventSource would: the events in
 * order, and a wait for one that matches, woken by each event and bounded by a deadline (by
 * default twice LIVE_WITHIN_MS: room for a loaded machine, inside the test's own 30 s).
 */
export async function openUserStream(url: string, token: string, input: Record<string, unknown> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/trpc/user/events?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`stream refused: ${response.status}`);
  const events: UserEvent[] = [];
  const wakers = new Set<() => void>();
  let ended = false;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    let buffer = "";
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((line) => line.startsWith("data: "));
          // Tracked events are the data lines; tRPC's own frames (connected options, pings) are not UserEvents.
          const event = data ? UserEvent.safeParse(JSON.parse(data.slice(6))) : undefined;
          if (event?.success) events.push(event.data);
          end = buffer.indexOf("\n\n");
        }
        for (const wake of wakers) wake();
      }
    } catch {
      // Aborted by close().
    } finally {
      ended = true;
      for (const wake of wakers) wake();
    }
  })();

  function until<T extends UserEvent>(what: string, match: (event: UserEvent) => event is T, ms?: number): Promise<T>;
  function until(what: string, match: (event: UserEvent) => boolean, ms?: number): Promise<UserEvent>;
  function until(what: string, match: (event: UserEvent) => boolean, ms = 2 * LIVE_WITHIN_MS): Promise<UserEvent> {
    return new Promise((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < events.length; seen++) {
          const event = events[seen];
          if (event && match(event)) {
            finish();
            return resolve(event);
          }
        }
        if (ended) {
          finish();
          reject(new Error(`stream ended before ${what}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${what} within ${ms} ms; got ${events.map((e) => e.type).join(", ")}`));
      }, ms);
      const finish = () => {
        clearTimeout(timer);
        wakers.delete(check);
      };
      wakers.add(check);
      check();
    });
  }

  /** Resolves when the server ends the stream; rejects after `ms`. */
  const endedWithin = (ms: number) =>
    Promise.race([
      pump,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`stream still open after ${ms} ms`)), ms).unref()),
    ]);

  return {
    events,
    until,
    ended: endedWithin,
    async close() {
      controller.abort();
      await pump;
    },
  };
}
