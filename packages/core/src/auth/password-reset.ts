import { randomBytes } from "node:crypto";
import { OmnaraError, type OperationArgs, type OperationOutput, type publicOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, count, eq, gt, isNull } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { CoreDeps, Device } from "../deps.ts";
import { hashPassword } from "./passwords.ts";
import { announceRevoked } from "./revocation.ts";
import { hashToken } from "./tokens.ts";

const { passwordResets, users, userSessions } = schema;
type Op = typeof publicOperations;
const RESET_TTL_MS = 60 * 60_000;
/**
 * Unused links an account may have at once. Anyone may ask for a reset for any email, so without
 * this a stranger could fill someone's inbox (the per-address limit does not see who is mailed);
 * a link that was used no longer counts, so asking again after a reset always works.
 */
const OPEN_LINKS_MAX = 3;

/** Where reset links go: the SMTP mailer, or (without SMTP) the server's log. */
export interface PasswordResetDelivery {
  /** Sends the link holding `token` (see resetLink) to `to`. */
  send(to: string, token: string): Promise<void>;
  log: (error: unknown) => void;
}

/** The dashboard page a reset link opens. */
export const resetLink = (baseUrl: string, token: string): string =>
  `${baseUrl.replace(/\/+$/, "")}/reset-password?token=${token}`;

/**
 * Stores a hashed single-use token and sends its link, if the email has an account and fewer
 * than OPEN_LINKS_MAX unused links. The answer is the same either way, and the mail is sent
 * after answering so its timing tells nothing.
 */
export async function requestPasswordReset(
  deps: CoreDeps,
  input: OperationArgs<Op["requestPasswordReset"]>,
  delivery: PasswordResetDelivery,
): Promise<OperationOutput<Op["requestPasswordReset"]>> {
  const [user] = await deps.db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.email, input.email));
  if (!user) return { success: true };
  const token = randomBytes(32).toString("base64url");
  const stored = await deps.db.transaction(async (tx) => {
    // The account's row lock serializes concurrent asks, so the count below is exact.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, user.id)).for("update");
    const now = deps.now();
    const [open] = await tx
      .select({ n: count() })
      .from(passwordResets)
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)));
    if ((open?.n ?? 0) >= OPEN_LINKS_MAX) return false;
    await tx.insert(passwordResets).values({
      userId: user.id,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + RESET_TTL_MS),
    });
    return true;
  });
  if (stored) delivery.send(user.email, token).catch(delivery.log);
  return { success: true };
}

/** Uses the token once (the first of concurrent uses wins), sets the password, ends every session. */
export async function resetPassword(
  deps: CoreDeps,
  input: OperationArgs<Op["resetPassword"]>,
  device: Device = {},
): Promise<OperationOutput<Op["resetPassword"]>> {
  const passwordHash = await hashPassword(input.new_password);
  const result = await deps.db.transaction(async (tx) => {
    const now = deps.now();
    const [reset] = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResets.tokenHash, hashToken(input.token)),
          isNull(passwordResets.usedAt),
          gt(passwordResets.expiresAt, now),
        ),
      )
      .returning({ userId: passwordResets.userId });
    if (!reset) return undefined;
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, reset.userId));
    // Other links asked for earlier die with this one.
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.userId, reset.userId), isNull(passwordResets.usedAt)));
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: now })
      .where(
        and(eq(userSessions.userId, reset.userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now)),
      )
      .returning({ id: userSessions.id });
    await recordAudit(tx, {
      actor: { userId: reset.userId, device },
      ownerId: reset.userId,
      action: "account.password_reset",
      target: { type: "account", id: reset.userId },
      detail: { signed_out_sessions: revoked.length },
      at: now,
    });
    return { userId: reset.userId, signedOut: revoked.length };
  });
  if (!result) {
    throw new OmnaraError("BAD_REQUEST", "This reset link is invalid, expired or already used; ask for a new one.", {
      issues: [{ path: "token", message: "is invalid, expired or already used" }],
    });
  }
  await announceRevoked(deps, result.userId);
  return { success: true, signed_out_sessions: result.signedOut };
}
