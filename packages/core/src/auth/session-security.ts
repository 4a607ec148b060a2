import { OmnaraError, type OperationArgs, type OperationOutput, type userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, desc, eq, gt, isNull, not, sql } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { Caller, CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { iso, isoOrNull } from "../serialize.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { announceRevoked } from "./revocation.ts";
import { thisSession } from "./sessions.ts";
import { supabaseSessionIdOf } from "./token-claims.ts";
import { hashToken } from "./tokens.ts";

const { users, userSessions } = schema;
type Op = typeof userOperations;

const live = (deps: CoreDeps, userId: string) =>
  and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, deps.now()));

export async function listSessions(
  deps: CoreDeps,
  caller: Caller,
  token: string,
): Promise<OperationOutput<Op["listSessions"]>> {
  const current = hashToken(token);
  const supabaseSessionId = supabaseSessionIdOf(token);
  const rows = await deps.db
    .select()
    .from(userSessions)
    .where(live(deps, caller.userId))
    .orderBy(desc(sql`coalesce(${userSessions.lastUsedAt}, ${userSessions.createdAt})`), desc(userSessions.id));
  return {
    sessions: rows.map((row) => ({
      id: row.id,
      user_agent: row.userAgent,
      client_address: row.clientAddress,
      created_at: iso(row.createdAt),
      last_used_at: isoOrNull(row.lastUsedAt),
      expires_at: iso(row.expiresAt),
      current:
        row.tokenHash === current || (supabaseSessionId !== undefined && row.supabaseSessionId === supabaseSessionId),
    })),
  };
}

export async function revokeSession(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["revokeSession"]>,
): Promise<{ success: true }> {
  const rows = await deps.db.transaction(async (tx) => {
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: deps.now() })
      .where(and(eq(userSessions.id, input.id), live(deps, caller.userId)))
      .returning({ id: userSessions.id, userAgent: userSessions.userAgent });
    for (const session of revoked) {
      await recordAudit(tx, {
        actor: caller,
        ownerId: caller.userId,
        action: "session.revoke",
        target: { type: "session", id: session.id },
        detail: { user_agent: session.userAgent },
        at: deps.now(),
      });
    }
    return revoked;
  });
  if (rows.length === 0) throw notFound(`Session ${input.id}`);
  await announceRevoked(deps, caller.userId);
  return { success: true };
}

/** Every live session of the user ends; open streams and waits end with them (announced). */
export async function signOutEverywhere(deps: CoreDeps, caller: Caller): Promise<{ success: true; revoked: number }> {
  const rows = await deps.db.transaction(async (tx) => {
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: deps.now() })
      .where(live(deps, caller.userId))
      .returning({ id: userSessions.id });
    await recordAudit(tx, {
      actor: caller,
      ownerId: caller.userId,
      action: "account.sign_out_everywhere",
      target: { type: "account", id: caller.userId },
      detail: { revoked: revoked.length },
      at: deps.now(),
    });
    return revoked;
  });
  await announceRevoked(deps, caller.userId);
  return { success: true, revoked: rows.length };
}

/** Re-authenticates with the current password; the new one signs every other session out. */
export async function changePassword(
  deps: CoreDeps,
  caller: Caller,
  token: string,
  input: OperationArgs<Op["changePassword"]>,
): Promise<OperationOutput<Op["changePassword"]>> {
  const [user] = await deps.db.select().from(users).where(eq(users.id, caller.userId));
  if (!user) throw new OmnaraError("UNAUTHORIZED", "This account no longer exists.");
  const verified = user.passwordHash ? await verifyPassword(input.current_password, user.passwordHash) : false;
  if (!verified) {
    throw new OmnaraError("FORBIDDEN", "The current password is wrong; nothing was changed.", {
      issues: [{ path: "current_password", message: "is not this account's password" }],
    });
  }
  const passwordHash = await hashPassword(input.new_password);
  const signedOut = await deps.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: deps.now() }).where(eq(users.id, user.id));
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: deps.now() })
      .where(and(live(deps, user.id), not(thisSession(token))))
      .returning({ id: userSessions.id });
    await recordAudit(tx, {
      actor: caller,
      ownerId: user.id,
      action: "account.password_change",
      target: { type: "account", id: user.id },
      detail: { signed_out_sessions: revoked.length },
      at: deps.now(),
    });
    return revoked;
  });
  await announceRevoked(deps, user.id);
  return { success: true, signed_out_sessions: signedOut.length };
}
