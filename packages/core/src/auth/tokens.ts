import { createHash } from "node:crypto";
import { decodeJwt, jwtVerify, SignJWT } from "jose";

/** The `aud` claim of each kind of bearer token. */
export const tokenAudiences = { agent: "omnara:agent", user: "omnara:user" } as const;

/** Stored in place of a token: a leaked table yields no usable credentials. */
export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export interface TokenClaims {
  /** The user. */
  sub: string;
  /** The row (api key or session) that must still be live for the token to count. */
  jti: string;
}

export async function signToken(
  claims: TokenClaims,
  secret: Uint8Array,
  expiresAt: Date | null,
  audience: string,
): Promise<string> {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setJti(claims.jti)
    .setAudience(audience)
    .setIssuedAt();
  if (expiresAt) jwt.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
  return jwt.sign(secret);
}

interface Verified extends TokenClaims {
  /** The token's `exp` in ms since the epoch; undefined when it never expires. */
  expiresAtMs: number | undefined;
}

/** Tokens whose signature was checked, per secret and audience: a token is verified once. */
const verifiedTokens = new WeakMap<Uint8Array, Map<string, Verified>>();
/** Enough for every agent and tab of a busy server; the oldest is dropped past it. */
const MAX_VERIFIED_TOKENS = 10_000;

/**
 * Checks signature, audience and expiry; returns undefined for anything not ours.
 *
 * A token's signature and claims never change, so one that verified is remembered (keyed by the
 * secret and audience) and later calls only check its expiry: jose's HMAC goes through WebCrypto
 * (an import and a verify on the thread pool, ~11 % of the server's CPU under 32 agents sending).
 * Revocation does not depend on this: the key or session row is still read on every call.
 */
export async function verifyToken(
  token: string,
  secret: Uint8Array,
  audience: string,
): Promise<TokenClaims | undefined> {
  let verified = verifiedTokens.get(secret);
  if (!verified) {
    verified = new Map();
    verifiedTokens.set(secret, verified);
  }
  const key = `${audience} ${token}`;
  const known = verified.get(key);
  if (known) {
    if (known.expiresAtMs !== undefined && known.expiresAtMs <= Date.now()) {
      verified.delete(key);
      return undefined;
    }
    return { sub: known.sub, jti: known.jti };
  }
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"], audience });
    if (typeof payload.sub !== "string" || typeof payload.jti !== "string") return undefined;
    if (verified.size >= MAX_VERIFIED_TOKENS) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(key, {
      sub: payload.sub,
      jti: payload.jti,
      expiresAtMs: typeof payload.exp === "number" ? payload.exp * 1000 : undefined,
    });
    return { sub: payload.sub, jti: payload.jti };
  } catch {
    return undefined;
  }
}

/**
 * Which kind of credential a bearer token claims to be, read without verifying it: only to
 * pick between two operations on one REST path (v1 lets agents and users share some). The
 * chosen operation then verifies the token as usual.
 */
export function claimedAudience(token: string): "agent" | "user" | undefined {
  try {
    const { aud } = decodeJwt(token);
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (audiences.includes(tokenAudiences.agent)) return "agent";
    if (audiences.includes(tokenAudiences.user)) return "user";
    return undefined;
  } catch {
    return undefined;
  }
}
