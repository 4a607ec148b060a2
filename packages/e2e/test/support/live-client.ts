import type { UserRouter } from "@omnara/api";
import type { UserEvent } from "@omnara/contracts";
import { LIVE_WITHIN_MS } from "@omnara/testing";
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";

/** A user client whose subscriptions run over SSE, authenticated as the dashboard does it. */
export const liveUserClient = (url: string, token: string) =>
  createTRPCClient<UserRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: `${url}/api/trpc/user`,
          connectionParams: { authorization: `Bearer ${token}` },
          EventSource,
        }),
        false: httpLink({ url: `${url}/api/trpc/user`, headers: { authorization: `Bearer ${token}` } }),
      }),
    ],
  });

export interface Received {
  id: string;
  event: UserEvent;
}

/**
 * Collects a subscription's events and lets a test wait for a condition on them with a
 * deadline, woken by each event rather than by polling. The default deadline is twice
 * LIVE_WITHIN_MS: a loaded CI machine gets its room, and the test still fails well inside its own
 * 30 s timeout, with the wait's name.
 */
export class EventLog {
  readonly events: Received[] = [];
  readonly states: string[] = [];
  error: unknown;
  #waiters = new Set<() => void>();

  push(received: Received): void {
    this.events.push(received);
    this.#notify();
  }

  state(state: string): void {
    this.states.push(state);
    this.#notify();
  }

  fail(error: unknown): void {
    this.error = error;
    this.#notify();
  }

  messageIds(): string[] {
    return this.events.flatMap(({ event }) => (event.type === "message" ? [event.message.id] : []));
  }

  until(what: string, done: () => boolean, ms = 2 * LIVE_WITHIN_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.#waiters.add(check);
      check();
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** Subscribes to user.events and records everything into a log. */
export function follow(
  client: ReturnType<typeof liveUserClient>,
  input: { agent_instance_id?: string; lastEventId?: string } = {},
) {
  const log = new EventLog();
  const subscription = client.events.subscribe(input, {
    onData: (data) => log.push({ id: data.id, event: data.data }),
    onError: (error) => log.fail(error),
    onConnectionStateChange: (state) => log.state(state.state),
  });
  return { log, unsubscribe: () => subscription.unsubscribe() };
}
