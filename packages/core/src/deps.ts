import type { Bus, Db } from "@omnara/db";
import type { Secrets } from "./auth/secrets.ts";
import type { BillingDeps } from "./billing/gateway.ts";
import type { Doorbell } from "./notifications/doorbell.ts";

/** Everything the domain functions need, passed explicitly. */
export interface CoreDeps {
  db: Db;
  bus: Bus;
  secrets: Secrets;
  now: () => Date;
  /** Stripe billing and plan limits; absent (no limits, no billing) unless configured. */
  billing?: BillingDeps | undefined;
  /** Rung for notification jobs no bus event announces. */
  doorbell: Doorbell;
  /** A machine whose daemon has not polled for this long shows as asleep (default 60 s). */
  machineAsleepAfterMs?: number | undefined;
  /** A start request no daemon picked up for this long expires (default 10 minutes). */
  machineStartExpiresAfterMs?: number | undefined;
  /** Where GitHub repository_dispatch launches are sent (default https://api.github.com). */
  githubApiUrl?: string | undefined;
}

/** Where a call came from: its User-Agent and client address (for sessions and the audit). */
export interface Device {
  userAgent?: string | undefined;
  clientAddress?: string | undefined;
}

/** Who is calling: resolved from an API key or a user session before any domain call. */
export interface Caller {
  userId: string;
  /** The device of the request, when the transport knows it; the audit records it. */
  device?: Device | undefined;
}

export interface AgentCaller extends Caller {
  apiKeyId: string;
  /** "machine": a daemon's key, which may also register and poll its machine. */
  keyKind?: "agent" | "machine" | undefined;
}
