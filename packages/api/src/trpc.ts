import { type ErrorData, OmnaraError } from "@omnara/contracts";
import { authenticateApiKey, type RateLimit } from "@omnara/core";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Context } from "./context.ts";
import { fieldIssues, planLimitOf, publicMessage, retryAfterSecondsOf, toPublicError } from "./errors.ts";
import { storableInput } from "./storable-input.ts";

const t = initTRPC.context<Context>().create({
  // Stacks stay in the server log; clients get a code, a message and field issues.
  isDev: false,
  // Pings keep proxies from closing idle streams; a client that hears nothing for 30 s (a laptop
  // waking from sleep, a half-open socket) reconnects and resumes from its last event id.
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    message: publicMessage(error),
    data: {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      path: shape.data.path,
      issues: fieldIssues(error.cause),
      retryAfterSeconds: retryAfterSecondsOf(error.cause),
      ...planLimitOf(error.cause),
    } satisfies ErrorData,
  }),
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * For every procedure: input text made storable and its depth bounded before validation, and
 * domain and validation errors mapped to their codes once.
 */
const base = t.procedure.use(async ({ next, getRawInput }) => {
  const result = await next({ getRawInput: async () => storableInput(await getRawInput()) });
  if (!result.ok) {
    const rewritten = toPublicError(result.error);
    if (rewritten) throw rewritten;
  }
  return result;
});

/** One take from the caller's bucket, shared by every server on the database. */
const limitRate = async (ctx: Context, key: string, limiter: RateLimit = ctx.rateLimiter): Promise<void> => {
  const decision = await limiter.take(key);
  if (decision.limit > 0) ctx.rateLimitSeen.decision = decision;
  const wait = decision.retryAfterSeconds;
  if (wait > 0) {
    throw new OmnaraError("TOO_MANY_REQUESTS", `Rate limit reached; retry in ${wait} s.`, {
      retryAfterMs: wait * 1000,
    });
  }
};

/** Anyone: limited per client address, since there is no identity to limit by. */
export const publicProcedure = base.use(async ({ ctx, next }) => {
  await limitRate(ctx, `ip:${ctx.clientAddress ?? "unknown"}`, ctx.publicRateLimiter);
  return next();
});

/** Agent calls: a live API key (checked against the database on every call). */
export const agentProcedure = base.use(async ({ ctx, next }) => {
  const agent = ctx.agent ?? (ctx.token ? await authenticateApiKey(ctx.deps, ctx.token) : undefined);
  if (!agent) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "Missing, invalid, expired or revoked API key. Send it as 'Authorization: Bearer <key>'.",
    });
  }
  await limitRate(ctx, `key:${agent.apiKeyId}`);
  return next({ ctx: { agent } });
});

/** User calls: a live session token. */
export const userProcedure = base.use(async ({ ctx, next }) => {
  const device = { userAgent: ctx.userAgent, clientAddress: ctx.clientAddress };
  if (ctx.token) ctx.userSeen.caller ??= ctx.userAuth.authenticate(ctx.token, device);
  const user = await ctx.userSeen.caller;
  if (!user || !ctx.token) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first: missing or expired session." });
  }
  await limitRate(ctx, `user:${user.userId}`);
  return next({ ctx: { user: { ...user, device }, sessionToken: ctx.token } });
});
