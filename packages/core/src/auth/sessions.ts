import { randomUUID } from "node:crypto";
import {
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type publicOperations,
  type userOperations,
} from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, eq, gt, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Caller, CoreDeps, Device } from "../deps.ts";
import { linkWaitingShares } from "../instances/shares.ts";
import { perDb } from "../per-db.ts";
import { iso } from "../serialize.ts";
import { linkWaitingInvites } from "../teams/invites.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { announceRevoked } from "./revocation.ts";
import { supabaseSessionIdOf } from "./token-claims.ts";
import { hashToken, signToken, tokenAudiences, verifyToken } from "./tokens.ts";

const { users, userSessions } = schema;
const AUDIENCE = tokenAudiences.user;
export const SESSION_TTL_MS = 30 * 86_400_000;
/** A session's last use is written at most this often. */
export const LAST_USED_STEP_MS = 60_000;

type Session = OperationOutput<typeof publicOperations.signIn>;
export type UserProfile = OperationOutput<typeof userOperations.me>;

export const toUserProfile = (row: typeof users.$inferSelect): UserProfile => ({
  id: row.id,
  email: row.email,
  display_name: row.displayName,
  created_at: iso(row.createdAt),
});

/** Verifies a user's bearer token. Supabase (a later provider) implements the same interface. */
export interface UserAuthenticator {
  /** `device` names a session this token shows for the first time (a Supabase session). */
  authenticate(token: string, device?: Device): Promise<Caller | undefined>;
}

let decoy: Promise<string> | undefined;
/** A hash with the current parameters, made once per process, of a password nobody knows. */
const decoyHash = (): Promise<string> => {
  decoy ??= hashPassword(randomUUID());
  return decoy;
};

/** Where a sign-in came from, kept with its session for the sessions list. */
export type SignInDevice = Device;

async function openSession(deps: CoreDeps, user: typeof users.$inferSelect, device: SignInDevice): Promise<Session> {
  const id = randomUUID();
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const token = await signToken({ sub: user.id, jti: id }, deps.secrets.sessionSecret, expiresAt, AUDIENCE);
  await deps.db.insert(userSessions).values({
    id,
    userId: user.id,
    tokenHash: hashToken(token),
    expiresAt,
    userAgent: device.userAgent?.slice(0, 500) ?? null,
    clientAddress: device.clientAddress ?? null,
    lastUsedAt: now,
  });
  return { token, user: toUserProfile(user) };
}

export async function signUp(
  deps: CoreDeps,
  input: OperationArgs<typeof publicOperations.signUp>,
  options: { allowSignup: boolean },
  device: SignInDevice = {},
): Promise<Session> {
  if (!options.allowSignup) {
    throw new OmnaraError("FORBIDDEN", "Sign-up is turned off on this server; ask its admin for an account.");
  }
  const email = input.email.toLowerCase();
  const passwordHash = await hashPassword(input.password);
  const [user] = await deps.db
    .insert(users)
    .values({ email, passwordHash, displayName: input.display_name ?? null })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!user) throw new OmnaraError("CONFLICT", "An account with this email exists; sign in instead.");
  await linkWaitingShares(deps.db, user);
  await linkWaitingInvites(deps.db, user);
  return openSession(deps, user, device);
}

export async function signIn(
  deps: CoreDeps,
  input: OperationArgs<typeof publicOperations.signIn>,
  device: SignInDevice = {},
): Promise<Session> {
  const [user] = await deps.db.select().from(users).where(eq(users.email, input.email.toLowerCase()));
  // An unknown email (or an account without a password) runs the same KDF against a decoy hash,
  // so the answer's timing does not tell which emails have accounts.
  const stored = user?.passwordHash ?? (await decoyHash());
  const verified = await verifyPassword(input.password, stored);
  const ok = Boolean(user?.passwordHash) && verified;
  if (!user || !ok) throw new OmnaraError("UNAUTHORIZED", "Wrong email or password.");
  return openSession(deps, user, device);
}

export async function signOut(deps: CoreDeps, token: string): Promise<{ success: true }> {
  const rows = await deps.db
    .update(userSessions)
    .set({ revokedAt: deps.now() })
    .where(and(thisSession(token), isNull(userSessions.revokedAt)))
    .returning({ userId: userSessions.userId });
  for (const row of rows) await announceRevoked(deps, row.userId);
  return { success: true };
}

/**
 * The session row of a caller's own (verified) token: local by its hash, Supabase's by its id.
 * Never null (a Supabase row has no hash), so `not(thisSession(…))` is every other session.
 */
export const thisSession = (token: string): SQL => {
  const supabaseSessionId = supabaseSessionIdOf(token);
  const local = eq(userSessions.tokenHash, hashToken(token));
  const either = supabaseSessionId ? or(local, eq(userSessions.supabaseSessionId, supabaseSessionId)) : local;
  return sql`coalesce(${either}, false)`;
};

export async function me(deps: CoreDeps, caller: Caller): Promise<UserProfile> {
  const [user] = await deps.db.select().from(users).where(eq(users.id, caller.userId));
  if (!user) throw new OmnaraError("UNAUTHORIZED", "This account no longer exists.");
  return toUserProfile(user);
}

/** The live session row of a token, built once per database: every user call runs it. */
const liveSession = perDb((db) =>
  db
    .select({ id: userSessions.id, userId: userSessions.userId, lastUsedAt: userSessions.lastUsedAt })
    .from(userSessions)
    .where(
      and(
        eq(userSessions.id, sql.placeholder("id")),
        eq(userSessions.tokenHash, sql.placeholder("tokenHash")),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, sql.placeholder("now")),
      ),
    )
    .prepare("live_session_of_token"),
);

/** Local accounts: a signed session token whose row must still be live. */
export function createLocalUserAuthenticator(deps: CoreDeps): UserAuthenticator {
  return {
    async authenticate(token) {
      const claims = await verifyToken(token, deps.secrets.sessionSecret, AUDIENCE);
      if (!claims) return undefined;
      const [row] = await liveSession(deps.db).execute({
        id: claims.jti,
        tokenHash: hashToken(token),
        now: deps.now().toISOString(),
      });
      if (!row) return undefined;
      const now = deps.now();
      if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_STEP_MS) {
        await deps.db.update(userSessions).set({ lastUsedAt: now }).where(eq(userSessions.id, row.id));
      }
      return { userId: row.userId };
    },
  };
}
