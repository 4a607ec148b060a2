/**
 * A claim of a token's payload, read without verifying it: for routing a bearer to its verifier,
 * or for a token that was verified already (the caller's own, in a user procedure).
 */
export const unverifiedClaim = (token: string, name: string): string | undefined => {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString());
    if (typeof claims !== "object" || claims === null || !(name in claims)) return undefined;
    const value: unknown = Reflect.get(claims, name);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
};

/** The Supabase session a caller's (already verified) token belongs to, if it is Supabase's. */
export const supabaseSessionIdOf = (token: string): string | undefined => unverifiedClaim(token, "session_id");
