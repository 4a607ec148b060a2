import { type AgentCaller, authenticateApiKey, type Caller } from "@omnara/core";
import { TRPCError } from "@trpc/server";
import type { Context } from "./context.ts";

/** A safety re-check for an announcement lost in a database outage: seconds, not the whole wait. */
const RECHECK_MS = 30_000;

export interface CredentialWatch {
  /** Aborted when the client goes away or the credential is revoked. */
  signal: AbortSignal;
  readonly revoked: boolean;
  stop(): void;
}

/** What the base procedures add to the context: who is calling, with which credential. */
type AuthedContext = Context & { agent?: AgentCaller; user?: Caller };

export const revokedError = (): TRPCError =>
  new TRPCError({
    code: "UNAUTHORIZED",
    message: "This credential was revoked while the call was open; sign in again or use a live API key.",
  });

/**
 * Ends an open call (a stream, a long wait) once its own credential is revoked, on any process:
 * a revocation is announced on the bus to the user's subscribers, and each call re-checks its
 * token then (and every 30 s). Returns undefined for calls that carry no credential.
 */
export function watchCredential(ctx: AuthedContext, outer: AbortSignal | undefined): CredentialWatch | undefined {
  const userId = ctx.agent?.userId ?? ctx.user?.userId;
  const token = ctx.token;
  if (!userId || !token) return undefined;
  const agent = ctx.agent !== undefined;
  const stillValid = async (): Promise<boolean> =>
    agent
      ? (await authenticateApiKey(ctx.deps, token)) !== undefined
      : (await ctx.userAuth.authenticate(token)) !== undefined;
  const controller = new AbortController();
  let revoked = false;
  const check = () => {
    stillValid().then(
      (ok) => {
        if (ok) return;
        revoked = true;
        controller.abort();
      },
      // A failed check (database away) leaves the call open; the next announcement or tick decides.
      () => {},
    );
  };
  const unsubscribe = ctx.deps.bus.subscribe({ userId }, (event) => {
    if (event.type === "credentialRevoked") check();
  });
  const timer = setInterval(check, RECHECK_MS);
  timer.unref();
  const onAbort = () => controller.abort();
  if (outer?.aborted) controller.abort();
  outer?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    get revoked() {
      return revoked;
    },
    stop() {
      unsubscribe();
      clearInterval(timer);
      outer?.removeEventListener("abort", onAbort);
    },
  };
}
