import type {
  AgentCaller,
  Caller,
  CoreDeps,
  PasswordResetDelivery,
  RateDecision,
  RateLimit,
  UserAuthenticator,
} from "@omnara/core";

/** What every procedure sees; built once per request by the HTTP layer. */
export interface Context {
  deps: CoreDeps;
  userAuth: UserAuthenticator;
  rateLimiter: RateLimit;
  /** Stricter, per client address: sign-up, sign-in and CLI login are where guessing happens. */
  publicRateLimiter: RateLimit;
  /** The call's last rate-limit take, for the REST layer's X-RateLimit-* headers. */
  rateLimitSeen: { decision?: RateDecision };
  /**
   * The request's session check, made once for all of a batch's user procedures (the overview's
   * two reads come in one request): one lookup of the session row, not one per procedure. A
   * long call's later checks for revocation ask userAuth again.
   */
  userSeen: { caller?: Promise<Caller | undefined> };
  /** The client's address, for the public rate limit and the sessions list. */
  clientAddress: string | undefined;
  /** The client's User-Agent, kept with a new session to name its device. */
  userAgent: string | undefined;
  allowSignup: boolean;
  /** Supabase Auth's public settings, when web users sign in through it. */
  supabase?: { url: string; anonKey: string } | undefined;
  /** Where password-reset links go (SMTP, or the server's log). */
  passwordReset?: PasswordResetDelivery | undefined;
  /** The bearer token of the request, if any: an API key or a user session token. */
  token: string | undefined;
  /**
   * The agent `token` belongs to, when the transport already checked it for this request (MCP
   * checks the key at the door of every request): agent procedures then do not check it again.
   */
  agent?: AgentCaller | undefined;
}

export const bearerToken = (header: string | undefined): string | undefined => {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
};
