import { Omnara, type OmnaraOptions } from "@omnara/sdk";
import { newUserWithKey } from "@omnara/testing";

/** Retries fast enough for tests; the policy is the same as in production, only the delays shrink. */
export const fastRetry = { minDelayMs: 20, maxDelayMs: 200 };

export const procedureOf = (input: string | URL | Request): string => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return url.pathname.split("/").at(-1) ?? "";
};

interface Waiter {
  procedure: string;
  resolve: () => void;
}

/**
 * A fetch that records which procedures were called (and with what status), and lets a test
 * await the moment a call is sent: e.g. "the SDK is now waiting for a reply".
 */
export function recordingFetch(inner: typeof globalThis.fetch = globalThis.fetch) {
  const sent: string[] = [];
  const statuses: { procedure: string; status: number }[] = [];
  const waiters = new Set<Waiter>();
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const procedure = procedureOf(input);
    sent.push(procedure);
    for (const waiter of waiters) {
      if (waiter.procedure === procedure) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
    const response = await inner(input, init);
    statuses.push({ procedure, status: response.status });
    return response;
  };
  const count = (procedure: string) => sent.filter((p) => p === procedure).length;
  /** Resolves when the next request to `procedure` is sent. */
  const next = (procedure: string) => new Promise<void>((resolve) => waiters.add({ procedure, resolve }));
  return { fetch, sent, statuses, count, next };
}

/** A new user with an API key, and an SDK client for it. */
export async function agentWithSdk(url: string, options: OmnaraOptions = {}) {
  const human = await newUserWithKey(url, "sdk");
  const omnara = new Omnara({ apiKey: human.apiKey, baseUrl: url, retry: fastRetry, ...options });
  return { human, omnara };
}
