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

/** Checks signature, audience and expiry; returns undefined for anything not ours. */
export async function verifyToken(
  token: string,
  secret: Uint8Array,
  audience: string,
): Promise<TokenClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"], audience });
    if (typeof payload.sub !== "string" || typeof payload.jti !== "string") return undefined;
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
