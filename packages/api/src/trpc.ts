import { type ErrorData, OmnaraError } from "@omnara/contracts";
import { type AgentCaller, authenticateApiKey, type RateLimit, signedApiKey, type UncheckedApiKey } from "@omnara/core";
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

const unauthorizedAgent = () =>
  new TRPCError({
    code: "UNAUTHORIZED",
    message: "Missing, invalid, expired or revoked API key. Send it as 'Authorization: Bearer <key>'.",
  });

/** The agent a call's API key belongs to, its row read (or checked by the transport). */
export async function requireAgent(ctx: Context): Promise<AgentCaller> {
  const agent = ctx.agent ?? (ctx.token ? await authenticateApiKey(ctx.deps, ctx.token) : undefined);
  if (!agent) throw unauthorizedAgent();
  return agent;
}

/** Agent calls: a live API key (checked against the database on every call). */
export const agentProcedure = base.use(async ({ ctx, next }) => {
  const agent = await requireAgent(ctx);
  await limitRate(ctx, `key:${agent.apiKeyId}`);
  return next({ ctx: { agent } });
});

/**
 * Agent calls whose one statement requires the API key's row itself (a message, the agent's most
 * frequent call): only the key's signature is checked here, and the handler's core call gets the
 * key to check (see UncheckedApiKey), not an agent. Every refusal before or after (the rate limit,
 * a bad input, any error) first checks the row as agentProcedure does, so a revoked or expired key
 * is refused with the same error, ahead of any other, as before.
 */
export const agentKeyFirstProcedure = base.use(async ({ ctx, next }) => {
  const signed = ctx.agent || !ctx.token ? undefined : await signedApiKey(ctx.deps, ctx.token);
  const apiKeyId = ctx.agent?.apiKeyId ?? signed?.apiKeyId;
  if (apiKeyId === undefined) throw unauthorizedAgent();
  try {
    await limitRate(ctx, `key:${apiKeyId}`);
  } catch (error) {
    await requireAgent(ctx);
    throw error;
  }
  const agentKey: AgentCaller | UncheckedApiKey = signed
    ? { signed, check: () => requireAgent(ctx) }
    : await requireAgent(ctx);
  const result = await next({ ctx: { agentKey } });
  if (!result.ok && signed) await requireAgent(ctx);
  return result;
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
