import { OmnaraError } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, eq, isNull } from "drizzle-orm";
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import { z } from "zod";
import type { Caller, CoreDeps, Device } from "../deps.ts";
import { linkWaitingShares } from "../instances/shares.ts";
import { linkWaitingInvites } from "../teams/invites.ts";
import { LAST_USED_STEP_MS, SESSION_TTL_MS, type UserAuthenticator } from "./sessions.ts";
import { unverifiedClaim } from "./token-claims.ts";

const { users, userSessions } = schema;
/** Supabase's access tokens are for this audience (its signed-in role). */
const AUDIENCE = "authenticated";

export interface SupabaseAuthOptions {
  /** The project URL; its Auth API is `${url}/auth/v1`. */
  url: string;
  anonKey: string;
  /** `${url}/auth/v1`, the `iss` of its tokens. */
  issuer: string;
  jwksUrl: string;
  /** The legacy HS256 secret, when the project still signs with it. */
  jwtSecret?: string | undefined;
  /** How long fetched keys are trusted before the JWKS is read again. */
  jwksCacheSeconds: number;
}

const Claims = z.object({ sub: z.uuid(), email: z.string().optional(), session_id: z.uuid().optional() });
type VerifiedClaims = { sub: string; email: string | undefined; sessionId: string | undefined };

/** What GET /auth/v1/user says of the token's user: whether its email is confirmed. */
const SupabaseUser = z.object({
  id: z.uuid(),
  email: z.string().optional(),
  email_confirmed_at: z.string().nullable().optional(),
});

/**
 * Verifies a Supabase access token (signature through the project's JWKS or its legacy HS256
 * secret, issuer, audience `authenticated`, expiry) and returns our claims, or undefined.
 */
function supabaseVerifier(options: SupabaseAuthOptions) {
  const cacheMaxAge = options.jwksCacheSeconds * 1000;
  // An unknown key id makes jose read the JWKS again (at most once per cooldown): a rotated-in
  // key is picked up at once, a rotated-out one is refused once the set has been read again.
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge,
    cooldownDuration: Math.min(30_000, cacheMaxAge),
  });
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  return async (token: string): Promise<VerifiedClaims | undefined> => {
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      const verify = { issuer: options.issuer, audience: AUDIENCE };
      if (alg === "HS256") {
        if (!secret) return undefined;
        ({ payload } = await jwtVerify(token, secret, { ...verify, algorithms: ["HS256"] }));
      } else {
        ({ payload } = await jwtVerify(token, jwks, { ...verify, algorithms: ["ES256", "RS256", "EdDSA"] }));
      }
    } catch {
      return undefined;
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) return undefined;
    return {
      sub: claims.data.sub,
      email: claims.data.email ? claims.data.email.toLowerCase() : undefined,
      sessionId: claims.data.session_id,
    };
  };
}

/** Asks Supabase whether the token's user confirmed its email (only on first sight). */
async function emailConfirmed(options: SupabaseAuthOptions, token: string): Promise<boolean> {
  const response = await fetch(`${options.issuer}/user`, {
    headers: { apikey: options.anonKey, authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return false;
  const user = SupabaseUser.safeParse(await response.json());
  return user.success && Boolean(user.data.email_confirmed_at);
}

type UserRow = typeof users.$inferSelect;

/** The email follows Supabase's (when no other account holds it). */
async function syncEmail(deps: CoreDeps, row: UserRow, email: string | undefined): Promise<void> {
  if (!email || email === row.email) return;
  const [holder] = await deps.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (holder) return;
  await deps.db
    .update(users)
    .set({ email, updatedAt: deps.now() })
    .where(eq(users.id, row.id))
    .catch(() => undefined);
}

/**
 * Our user row for a Supabase user, made on first sight: linked by Supabase user id; a local
 * account with the same email is taken over when Supabase says that email is confirmed.
 * Concurrent first requests converge on one row (the unique keys decide, not a prior read).
 */
async function userForSupabase(
  deps: CoreDeps,
  options: SupabaseAuthOptions,
  token: string,
  claims: VerifiedClaims,
): Promise<UserRow> {
  const bySub = async () => (await deps.db.select().from(users).where(eq(users.supabaseUserId, claims.sub)))[0];
  const known = await bySub();
  if (known) {
    await syncEmail(deps, known, claims.email);
    return known;
  }
  if (!claims.email)
    throw new OmnaraError("FORBIDDEN", "This Supabase account has no email; sign in with one that has.");
  const email = claims.email;
  const confirmed = await emailConfirmed(options, token);
  if (confirmed) {
    const [linked] = await deps.db
      .update(users)
      .set({ supabaseUserId: claims.sub, updatedAt: deps.now() })
      .where(and(eq(users.email, email), isNull(users.supabaseUserId)))
      .returning();
    if (linked) return linked;
  }
  const [created] = await deps.db
    .insert(users)
    .values({ email, supabaseUserId: claims.sub, passwordHash: null })
    .onConflictDoNothing()
    .returning();
  if (created) {
    await linkWaitingShares(deps.db, created);
    await linkWaitingInvites(deps.db, created);
    return created;
  }
  const winner = await bySub();
  if (winner) return winner;
  throw new OmnaraError(
    "FORBIDDEN",
    confirmed
      ? "Another account already signs in as this email."
      : "An account with this email exists here: confirm your email with Supabase first, then sign in again to link it.",
  );
}

/**
 * Supabase Auth: the bearer is the project's access token; our user row is found (or made) by
 * its Supabase user id.
 */
export function createSupabaseUserAuthenticator(deps: CoreDeps, options: SupabaseAuthOptions): UserAuthenticator {
  const verify = supabaseVerifier(options);
  return {
    async authenticate(token, device): Promise<Caller | undefined> {
      const claims = await verify(token);
      if (!claims) return undefined;
      const user = await userForSupabase(deps, options, token, claims);
      if (claims.sessionId && !(await supabaseSessionLive(deps, user.id, claims.sessionId, device ?? {})))
        return undefined;
      return { userId: user.id };
    },
  };
}

/**
 * A Supabase session as one of ours, by its `session_id` (the same across token refreshes): made
 * on first sight with the device that showed it, its last use kept to the minute like a local
 * session's, and live until revoked here (sessions list, sign out everywhere, password reset):
 * Supabase may go on refreshing its tokens, but this server refuses them. Supabase decides when
 * its sessions end; a row unused for SESSION_TTL_MS drops out of the list until it is used again.
 */
async function supabaseSessionLive(
  deps: CoreDeps,
  userId: string,
  sessionId: string,
  device: Device,
): Promise<boolean> {
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const find = async () =>
    (
      await deps.db
        .select({
          id: userSessions.id,
          userId: userSessions.userId,
          revokedAt: userSessions.revokedAt,
          lastUsedAt: userSessions.lastUsedAt,
        })
        .from(userSessions)
        .where(eq(userSessions.supabaseSessionId, sessionId))
    )[0];
  const row = await find();
  if (!row) {
    const made = await deps.db
      .insert(userSessions)
      .values({
        userId,
        supabaseSessionId: sessionId,
        expiresAt,
        userAgent: device.userAgent?.slice(0, 500) ?? null,
        clientAddress: device.clientAddress ?? null,
        lastUsedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: userSessions.id });
    if (made.length > 0) return true;
    // A concurrent first request made it: its row decides.
    const other = await find();
    return other !== undefined && other.userId === userId && other.revokedAt === null;
  }
  if (row.userId !== userId || row.revokedAt !== null) return false;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_STEP_MS) {
    await deps.db
      .update(userSessions)
      .set({ lastUsedAt: now, expiresAt })
      .where(and(eq(userSessions.id, row.id), isNull(userSessions.revokedAt)));
  }
  return true;
}

/** Tokens with Supabase's issuer go to Supabase; every other bearer to the local sessions. */
export function createUserAuthenticator(
  local: UserAuthenticator,
  supabase: { issuer: string; authenticator: UserAuthenticator } | undefined,
): UserAuthenticator {
  if (!supabase) return local;
  return {
    authenticate(token, device) {
      return unverifiedClaim(token, "iss") === supabase.issuer
        ? supabase.authenticator.authenticate(token, device)
        : local.authenticate(token, device);
    },
  };
}

/** How web users sign in here, told to the dashboard before it shows a sign-in form. */
export const authConfig = (
  supabase: { url: string; anonKey: string } | undefined,
  options: { allowSignup: boolean },
): { supabase: { url: string; anon_key: string } | null; signup_allowed: boolean } => ({
  supabase: supabase ? { url: supabase.url, anon_key: supabase.anonKey } : null,
  signup_allowed: options.allowSignup,
});
