import type { AgentApiConfig } from "./agent-api.ts";
import { OmnaraError } from "./errors.ts";
import { defaultRetryPolicy, noRetries, type RetryOptions } from "./retry.ts";
import { readEnv } from "./runtime-env.ts";
import type { FetchFunction } from "./transport.ts";

/** Options of `new Omnara(...)`. Every field is optional when the environment supplies it. */
export interface OmnaraOptions {
  /** Your agent API key. Default: `OMNARA_API_KEY` from the environment. */
  apiKey?: string;
  /** The server, e.g. `https://omnara.example.com`. Default: `OMNARA_BASE_URL` from the environment. */
  baseUrl?: string;
  /** A fetch implementation (proxies, tests, older runtimes). Default: the global `fetch`. */
  fetch?: FetchFunction;
  /** Extra headers sent with every request (the Authorization header is always the API key). */
  headers?: Record<string, string>;
  /** Retries of failed requests, or `false` for none. Default: 8 retries, 250 ms to 10 s backoff. */
  retry?: RetryOptions | false;
  /** How long one request may take before it is abandoned (and retried). Default 30 000 ms; waits get their own. */
  requestTimeoutMs?: number;
  /** Heartbeat period of open sessions; 0 turns heartbeats off. Default 30 000 ms (offline shows after 60 s). */
  heartbeatIntervalMs?: number;
  /** Longest single long-poll while `ask` waits; longer waits are several polls. Default 50 s (under most proxies' idle limits). */
  longPollSeconds?: number;
  /** Receives failures of background work (heartbeats), which would otherwise go unseen. */
  onBackgroundError?: (error: OmnaraError) => void;
}

export interface ClientConfig extends AgentApiConfig {
  heartbeatIntervalMs: number;
  longPollSeconds: number;
  onBackgroundError: (error: OmnaraError) => void;
}

const invalid = (message: string) => new OmnaraError("INVALID_CONFIG", message);

function normalizeBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`baseUrl "${value}" is not a URL. Pass the server's address, e.g. https://omnara.example.com.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(`baseUrl must be http or https, not ${url.protocol}`);
  }
  return url.toString().replace(/\/+$/, "");
}

const positive = (name: string, value: number | undefined, fallback: number, min = 0): number => {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) throw invalid(`${name} must be a number ≥ ${min}, got ${value}.`);
  return value;
};

export function resolveClientConfig(options: OmnaraOptions): ClientConfig {
  const apiKey = options.apiKey ?? readEnv("OMNARA_API_KEY");
  if (!apiKey) {
    throw invalid(
      "No API key. Pass new Omnara({ apiKey }) or set OMNARA_API_KEY; create a key in the Omnara dashboard.",
    );
  }
  const baseUrl = options.baseUrl ?? readEnv("OMNARA_BASE_URL");
  if (!baseUrl) {
    throw invalid(
      "No server address. Pass new Omnara({ baseUrl }) or set OMNARA_BASE_URL, e.g. http://127.0.0.1:8080.",
    );
  }
  const retry = options.retry === false ? noRetries : { ...defaultRetryPolicy, ...options.retry };
  return {
    apiKey,
    baseUrl: normalizeBaseUrl(baseUrl),
    fetch: options.fetch,
    headers: options.headers ?? {},
    retry: {
      maxRetries: positive("retry.maxRetries", retry.maxRetries, defaultRetryPolicy.maxRetries),
      minDelayMs: positive("retry.minDelayMs", retry.minDelayMs, defaultRetryPolicy.minDelayMs),
      maxDelayMs: positive("retry.maxDelayMs", retry.maxDelayMs, defaultRetryPolicy.maxDelayMs),
    },
    requestTimeoutMs: positive("requestTimeoutMs", options.requestTimeoutMs, 30_000, 1),
    heartbeatIntervalMs: positive("heartbeatIntervalMs", options.heartbeatIntervalMs, 30_000),
    longPollSeconds: Math.min(positive("longPollSeconds", options.longPollSeconds, 50, 1), 300),
    onBackgroundError: options.onBackgroundError ?? (() => {}),
  };
}
