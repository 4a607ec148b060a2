import { randomUUID } from "node:crypto";
import { limits, OmnaraError, type OperationArgs, type OperationOutput, type userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, count, desc, eq, isNull, type SQL, sql } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { AgentCaller, Caller, CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { perDb } from "../per-db.ts";
import { iso, isoOrNull } from "../serialize.ts";
import { announceRevoked } from "./revocation.ts";
import { hashToken, signToken, tokenAudiences, verifyToken } from "./tokens.ts";

const { apiKeys } = schema;
const AUDIENCE = tokenAudiences.agent;
const DAY_MS = 86_400_000;
// last_used_at is a hint for humans; writing it on every call would double the write load.
const LAST_USED_RESOLUTION_MS = 60_000;

type ApiKeyRow = typeof apiKeys.$inferSelect;
type ApiKeyInfo = OperationOutput<typeof userOperations.listApiKeys>[number];

const toApiKeyInfo = (row: ApiKeyRow, now: Date): ApiKeyInfo => ({
  id: row.id,
  name: row.name,
  created_at: iso(row.createdAt),
  expires_at: isoOrNull(row.expiresAt),
  last_used_at: isoOrNull(row.lastUsedAt),
  revoked_at: isoOrNull(row.revokedAt),
  kind: row.kind,
  is_active: row.revokedAt === null && (row.expiresAt === null || row.expiresAt > now),
});

export async function createApiKey(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.createApiKey>,
  kind: ApiKeyRow["kind"] = "agent",
): Promise<OperationOutput<typeof userOperations.createApiKey>> {
  const now = deps.now();
  const [active] = await deps.db
    .select({ n: count() })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, caller.userId), isNull(apiKeys.revokedAt)));
  if ((active?.n ?? 0) >= limits.maxActiveApiKeys) {
    throw new OmnaraError(
      "CONFLICT",
      `You have ${limits.maxActiveApiKeys} active API keys; revoke one before creating another.`,
    );
  }
  const id = randomUUID();
  const expiresAt = input.expires_in_days ? new Date(now.getTime() + input.expires_in_days * DAY_MS) : null;
  const token = await signToken({ sub: caller.userId, jti: id }, deps.secrets.apiKeySecret, expiresAt, AUDIENCE);
  const [row] = await deps.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(apiKeys)
      .values({
        id,
        userId: caller.userId,
        name: input.name,
        kind,
        tokenHash: hashToken(token),
        createdAt: now,
        expiresAt,
      })
      .returning();
    await recordAudit(tx, {
      actor: caller,
      ownerId: caller.userId,
      action: "api_key.create",
      target: { type: "api_key", id },
      detail: { name: input.name, expires_at: expiresAt ? iso(expiresAt) : null },
      at: now,
    });
    return inserted;
  });
  if (!row) throw new OmnaraError("INTERNAL_SERVER_ERROR", "The API key could not be stored.");
  return { ...toApiKeyInfo(row, now), api_key: token };
}

export async function listApiKeys(deps: CoreDeps, caller: Caller): Promise<ApiKeyInfo[]> {
  const rows = await deps.db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.userId, caller.userId))
    .orderBy(desc(apiKeys.createdAt));
  const now = deps.now();
  return rows.map((row) => toApiKeyInfo(row, now));
}

export async function revokeApiKey(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.revokeApiKey>,
): Promise<{ success: true }> {
  const rows = await deps.db.transaction(async (tx) => {
    const revoked = await tx
      .update(apiKeys)
      .set({ revokedAt: deps.now() })
      .where(and(eq(apiKeys.id, input.id), eq(apiKeys.userId, caller.userId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id, name: apiKeys.name });
    for (const key of revoked) {
      await recordAudit(tx, {
        actor: caller,
        ownerId: caller.userId,
        action: "api_key.revoke",
        target: { type: "api_key", id: key.id },
        detail: { name: key.name },
        at: deps.now(),
      });
    }
    return revoked;
  });
  if (rows.length > 0) await announceRevoked(deps, caller.userId);
  if (rows.length === 0) {
    const [existing] = await deps.db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.id), eq(apiKeys.userId, caller.userId)));
    if (!existing) throw notFound("API key");
  }
  return { success: true };
}

/** The key row of a token, built once per database: every agent call runs it. */
const keyLookup = perDb((db) =>
  db
    .select({
      userId: apiKeys.userId,
      kind: apiKeys.kind,
      revokedAt: apiKeys.revokedAt,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, sql.placeholder("id")), eq(apiKeys.tokenHash, sql.placeholder("tokenHash"))))
    .prepare("api_key_of_token"),
);

/**
 * An agent's API key whose signature holds, its row not read yet: what a statement that requires
 * the row itself (liveKeyRow) needs, so the key's check costs no round trip of its own.
 */
export interface SignedApiKey {
  userId: string;
  apiKeyId: string;
  tokenHash: string;
}

/**
 * What a call whose statement checks the key itself gets instead of an agent: the signed key, and
 * `check`, the usual check of its row (it throws the usual refusal), for when the statement found
 * no live row or did not run.
 */
export interface UncheckedApiKey {
  signed: SignedApiKey;
  check: () => Promise<AgentCaller>;
}

export async function signedApiKey(deps: CoreDeps, token: string): Promise<SignedApiKey | undefined> {
  const claims = await verifyToken(token, deps.secrets.apiKeySecret, AUDIENCE);
  return claims ? { userId: claims.sub, apiKeyId: claims.jti, tokenHash: hashToken(token) } : undefined;
}

/**
 * A statement's CTE body: the key's row when it allows calls at `now` (the same rule as
 * authenticateApiKey's: its own token, its own user, not revoked, not expired), with its kind and
 * whether its last use is due to be noted. No row: the statement must do nothing.
 */
export const liveKeyRow = (key: SignedApiKey, now: Date): SQL => sql`
  select k.kind::text as key_kind,
    (k.last_used_at is null or k.last_used_at < ${now.toISOString()}::timestamptz - ${`${LAST_USED_RESOLUTION_MS} milliseconds`}::interval) as key_use_due
  from api_keys k
  where k.id = ${key.apiKeyId} and k.token_hash = ${key.tokenHash} and k.user_id = ${key.userId}
    and k.revoked_at is null and (k.expires_at is null or k.expires_at > ${now.toISOString()}::timestamptz)`;

/** A key's last use, at most once a minute (see LAST_USED_RESOLUTION_MS). */
export async function noteKeyUsed(deps: CoreDeps, apiKeyId: string, now: Date): Promise<void> {
  await deps.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, apiKeyId));
}

/**
 * Resolves an API key to its owner. The database row is checked on every call, so revoking a
 * key takes effect at once on every server process.
 */
export async function authenticateApiKey(deps: CoreDeps, token: string): Promise<AgentCaller | undefined> {
  const claims = await verifyToken(token, deps.secrets.apiKeySecret, AUDIENCE);
  if (!claims) return undefined;
  const [row] = await keyLookup(deps.db).execute({ id: claims.jti, tokenHash: hashToken(token) });
  const now = deps.now();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.userId !== claims.sub) {
    return undefined;
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await noteKeyUsed(deps, claims.jti, now);
  }
  return { userId: row.userId, apiKeyId: claims.jti, keyKind: row.kind };
}
