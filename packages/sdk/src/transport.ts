import { createTRPCUntypedClient, httpLink } from "@trpc/client";
import { OmnaraError } from "./errors.ts";

export type FetchFunction = typeof globalThis.fetch;

export interface TransportConfig {
  baseUrl: string;
  apiKey: string;
  fetch: FetchFunction | undefined;
  headers: Record<string, string>;
}

export type Transport = (
  kind: "query" | "mutation" | "subscription",
  path: string,
  input: unknown,
  signal: AbortSignal,
) => Promise<unknown>;

/**
 * A response that is not JSON (a proxy's 502 page, a load balancer's 429). tRPC would only say
 * "Unable to parse"; keeping the status lets the retry logic treat it like the server's own.
 */
export class NonJsonResponseError extends Error {
  override name = "NonJsonResponseError";
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status} with a non-JSON body`);
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const guardedFetch =
  (base: FetchFunction | undefined): FetchFunction =>
  async (input, init) => {
    // Resolved per call so a test or polyfill that replaces globalThis.fetch later is honoured.
    const response = await (base ?? globalThis.fetch)(input, init);
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok && !type.includes("json")) {
      await response.body?.cancel();
      throw new NonJsonResponseError(response.status, parseRetryAfter(response.headers.get("retry-after")));
    }
    return response;
  };

/** The agent procedures over tRPC's plain-JSON HTTP protocol (no transformer, no batching). */
export function createTransport(config: TransportConfig): Transport {
  const client = createTRPCUntypedClient({
    links: [
      httpLink({
        url: `${config.baseUrl}/api/trpc/agent`,
        fetch: guardedFetch(config.fetch),
        headers: () => ({ ...config.headers, authorization: `Bearer ${config.apiKey}` }),
      }),
    ],
  });
  return async (kind, path, input, signal) => {
    if (kind === "query") return client.query(path, input, { signal });
    if (kind === "mutation") return client.mutation(path, input, { signal });
    // No agent operation streams today; one that does needs an SSE link, not a silent wrong call.
    throw new OmnaraError("METHOD_NOT_SUPPORTED", `${path} is a subscription, which this SDK does not support yet.`);
  };
}
