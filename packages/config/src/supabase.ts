import { z } from "zod";

/** Supabase Auth for web users; off (local accounts) until SUPABASE_URL is set. */
export const SupabaseEnv = {
  /** The project's URL, e.g. https://abcd.supabase.co; its Auth lives under /auth/v1. */
  SUPABASE_URL: z.string().url().optional(),
  /** The project's anon (public) key: the dashboard's supabase-js client sends it. */
  SUPABASE_ANON_KEY: z.string().min(1).optional(),
  /**
   * The legacy HS256 JWT secret, for projects still signing access tokens with it. Without it
   * tokens are checked against the project's JWKS (${SUPABASE_URL}/auth/v1/.well-known/jwks.json).
   */
  SUPABASE_JWT_SECRET: z.string().min(16).optional(),
  /** How long fetched signing keys are trusted before the JWKS is read again (seconds). */
  SUPABASE_JWKS_CACHE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
};

const SupabaseEnvSchema = z.object(SupabaseEnv);
type SupabaseEnvValues = z.output<typeof SupabaseEnvSchema>;

export interface SupabaseConfig {
  url: string;
  anonKey: string;
  /** The `iss` of the project's access tokens: `${url}/auth/v1`. */
  issuer: string;
  jwksUrl: string;
  jwtSecret: string | undefined;
  jwksCacheSeconds: number;
}

export function supabaseConfig(env: SupabaseEnvValues, fail: (message: string) => Error): SupabaseConfig | undefined {
  if (!env.SUPABASE_URL) {
    if (env.SUPABASE_ANON_KEY || env.SUPABASE_JWT_SECRET) {
      throw fail(
        "SUPABASE_ANON_KEY or SUPABASE_JWT_SECRET is set without SUPABASE_URL; set it to turn Supabase Auth on.",
      );
    }
    return undefined;
  }
  if (!env.SUPABASE_ANON_KEY)
    throw fail("SUPABASE_URL is set, so Supabase Auth is on; it also needs SUPABASE_ANON_KEY.");
  const url = env.SUPABASE_URL.replace(/\/+$/, "");
  return {
    url,
    anonKey: env.SUPABASE_ANON_KEY,
    issuer: `${url}/auth/v1`,
    jwksUrl: `${url}/auth/v1/.well-known/jwks.json`,
    jwtSecret: env.SUPABASE_JWT_SECRET,
    jwksCacheSeconds: env.SUPABASE_JWKS_CACHE_SECONDS,
  };
}
