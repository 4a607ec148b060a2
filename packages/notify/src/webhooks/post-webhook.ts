import http from "node:http";
import https from "node:https";
import { BlockedAddressError, checkLiteralHost, guardedLookup } from "./address-guard.ts";

/** One outbound HTTP POST; the queue (`deliver-webhook.ts`) and later senders build these. */
export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface PostOptions {
  /** Loopback, link-local and private addresses allowed (OMNARA_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** The whole call, connect to last excerpt byte. */
  timeoutMs: number;
}

export interface PostResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
  /** false when sending again cannot help (refused address, bad URL, a redirect). */
  retry: boolean;
}

/** At most this much of a response is kept (the log shows it; nothing more is read). */
export const excerptBytes = 512;

/**
 * POSTs without following redirects (a 3xx is a failure: a redirect could lead to an address the
 * guard never saw) and with the resolved address checked at connect time.
 */
export async function postWebhook(request: WebhookRequest, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const done = (result: Omit<PostResult, "durationMs">): PostResult => ({
    ...result,
    durationMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = new URL(request.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("only http and https URLs");
    checkLiteralHost(url.hostname, options.allowPrivate);
  } catch (error) {
    return done({ ok: false, status: null, error: describe(error), responseExcerpt: null, retry: false });
  }
  try {
    const { status, excerpt, location } = await exchange(url, request, options);
    if (status >= 200 && status < 300) {
      return done({ ok: true, status, error: null, responseExcerpt: excerpt, retry: false });
    }
    const redirect = status >= 300 && status < 400;
    const error = redirect
      ? `redirect (${status}${location ? ` to ${location.slice(0, 200)}` : ""}) not followed`
      : `the receiver answered ${status}`;
    return done({ ok: false, status, error, responseExcerpt: excerpt, retry: !redirect });
  } catch (error) {
    const refused =
      error instanceof BlockedAddressError || (error instanceof Error && error.cause instanceof BlockedAddressError);
    return done({ ok: false, status: null, error: describe(error), responseExcerpt: null, retry: !refused });
  }
}

function exchange(
  url: URL,
  request: WebhookRequest,
  options: PostOptions,
): Promise<{ status: number; excerpt: string | null; location: string | undefined }> {
  const client = url.protocol === "https:" ? https : http;
  const body = Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: "POST",
      headers: { ...request.headers, "content-length": String(body.length) },
      // A fresh socket per delivery: a pooled one may have been checked for another host.
      agent: false,
      lookup: guardedLookup(options.allowPrivate),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    req.on("error", (error) =>
      reject(error.name === "AbortError" ? new Error(`no answer within ${options.timeoutMs} ms`) : error),
    );
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        const excerpt = size > 0 ? Buffer.concat(chunks).subarray(0, excerptBytes).toString("utf8") : null;
        resolve({ status: res.statusCode ?? 0, excerpt, location: res.headers.location });
        res.destroy();
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= excerptBytes) finish();
      });
      res.once("end", finish);
      res.on("error", finish);
    });
    req.end(body);
  });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
