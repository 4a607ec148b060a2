import { homedir } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { type BillingConfig, BillingEnv, billingConfig } from "./billing.ts";
import { type NotificationConfig, NotificationEnv, notificationConfig } from "./notifications.ts";
import { type SupabaseConfig, SupabaseEnv, supabaseConfig } from "./supabase.ts";

export type { BillingConfig } from "./billing.ts";
export type { NotificationConfig } from "./notifications.ts";
export type { SupabaseConfig } from "./supabase.ts";

/**
 * The only code that knows environment variable names. Everything else receives a Config.
 * Each variable is documented in the README's configuration table.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().url().optional(),
  OMNARA_DATA_DIR: z.string().min(1).optional(),
  /** Which side this process serves: both (default), the agent write API, or the user read API. */
  OMNARA_ROLE: z.enum(["all", "agent", "user"]).default("all"),
  /** Public URL of this server, used in links shown to users. */
  OMNARA_PUBLIC_URL: z.string().url().optional(),
  /** Requests per minute per API key or session; 0 turns rate limiting off. */
  OMNARA_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  /** Where GitHub repository_dispatch launches go (a local stand-in in tests, GitHub Enterprise). */
  OMNARA_GITHUB_API_URL: z.url({ protocol: /^https?$/ }).default("https://api.github.com"),
  /** A machine whose daemon has not polled for this many seconds shows as asleep. */
  OMNARA_MACHINE_ASLEEP_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** A start request no daemon picked up within this many seconds expires (never starts later). */
  OMNARA_MACHINE_START_EXPIRES_SECONDS: z.coerce.number().int().min(1).max(604_800).default(600),
  /** Sign-up, sign-in and CLI-login calls per minute per client address; 0 turns it off. */
  OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(30),
  /** Allow new local accounts to sign up (turn off once your team is in). */
  OMNARA_ALLOW_SIGNUP: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((value) => value === "true" || value === "1"),
  /** Keep the embedded database in memory only (nothing written; for trials and tests). */
  OMNARA_PGLITE_MEMORY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((value) => value === "true" || value === "1"),
  /**
   * Which peers may set X-Forwarded-For (the client address used by the per-address limits):
   * unset or "false" trusts none (the TCP peer is the client); "true" trusts every hop; a number
   * trusts that many hops; otherwise a comma list of addresses, subnets or express's names
   * (loopback, linklocal, uniquelocal).
   */
  OMNARA_TRUST_PROXY: z.string().trim().default("false"),
  /** Open connections allowed from one client address (trusted proxies excepted); 0: no cap. */
  OMNARA_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(256),
  /** A built dashboard to serve instead of the one in this repository (apps/dashboard/dist). */
  OMNARA_DASHBOARD_DIR: z.string().min(1).optional(),
  /**
   * Webhook deliveries to loopback, link-local and private addresses. Unset: allowed on the
   * embedded database (one person's machine, where n8n on localhost is the point), refused
   * with DATABASE_URL (a shared server, where such an address reaches its own network).
   */
  OMNARA_WEBHOOK_ALLOW_PRIVATE: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === "true" || value === "1")),
  ...NotificationEnv,
  ...BillingEnv,
  ...SupabaseEnv,
});

export type Role = "all" | "agent" | "user";

/** Express's "trust proxy" setting, see OMNARA_TRUST_PROXY. */
export type TrustProxy = boolean | number | string[];

const trustProxy = (value: string): TrustProxy => {
  if (value === "" || value === "false" || value === "0") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
};

export interface Config {
  port: number;
  host: string;
  /** Postgres server URL; when absent the embedded PGlite database under dataDir is used. */
  databaseUrl: string | undefined;
  /** Holds the PGlite database and the generated signing keys. */
  dataDir: string;
  /** Keep PGlite in memory instead of under dataDir. */
  pgliteInMemory: boolean;
  role: Role;
  publicUrl: string | undefined;
  rateLimitPerMinute: number;
  publicRateLimitPerMinute: number;
  dashboardDir: string | undefined;
  allowSignup: boolean;
  trustProxy: TrustProxy;
  maxConnectionsPerAddress: number;
  notifications: NotificationConfig;
  /** Stripe billing and plan limits; undefined (off) unless STRIPE_SECRET_KEY is set. */
  billing: BillingConfig | undefined;
  webhooks: { allowPrivate: boolean; githubApiUrl: string };
  /** A machine not heard from for this long is asleep. */
  machineAsleepAfterMs: number;
  /** A start request not picked up by the machine's daemon for this long expires. */
  machineStartExpiresAfterMs: number;
  /** Supabase Auth for web users; undefined (local accounts) unless SUPABASE_URL is set. */
  supabase: SupabaseConfig | undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface LoadConfigOptions {
  /** Where the data dir lives when OMNARA_DATA_DIR is unset (the server: ./.omnara; the CLI: ~/.omnara). */
  defaultDataDir?: string;
}

export function loadConfig(env: Record<string, string | undefined>, options: LoadConfigOptions = {}): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.OMNARA_DATA_DIR ?? options.defaultDataDir ?? ".omnara"),
    pgliteInMemory: e.OMNARA_PGLITE_MEMORY,
    role: e.OMNARA_ROLE,
    publicUrl: e.OMNARA_PUBLIC_URL,
    rateLimitPerMinute: e.OMNARA_RATE_LIMIT_PER_MINUTE,
    publicRateLimitPerMinute: e.OMNARA_AUTH_RATE_LIMIT_PER_MINUTE,
    dashboardDir: e.OMNARA_DASHBOARD_DIR ? resolve(e.OMNARA_DASHBOARD_DIR) : undefined,
    allowSignup: e.OMNARA_ALLOW_SIGNUP,
    trustProxy: trustProxy(e.OMNARA_TRUST_PROXY),
    maxConnectionsPerAddress: e.OMNARA_MAX_CONNECTIONS_PER_ADDRESS,
    notifications: notificationConfig(e, (message) => new ConfigError(message)),
    billing: billingConfig(e, e.OMNARA_PUBLIC_URL, (message) => new ConfigError(message)),
    webhooks: {
      allowPrivate: e.OMNARA_WEBHOOK_ALLOW_PRIVATE ?? e.DATABASE_URL === undefined,
      githubApiUrl: e.OMNARA_GITHUB_API_URL.replace(/\/+$/, ""),
    },
    machineAsleepAfterMs: e.OMNARA_MACHINE_ASLEEP_SECONDS * 1000,
    machineStartExpiresAfterMs: e.OMNARA_MACHINE_START_EXPIRES_SECONDS * 1000,
    supabase: supabaseConfig(e, (message) => new ConfigError(message)),
  };
}

/** The CLI keeps its data under the user's home, the server under the working directory. */
export const homeDataDir = (): string => resolve(homedir(), ".omnara");
