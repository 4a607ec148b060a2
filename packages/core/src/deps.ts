import type { Bus, Db } from "@omnara/db";
import type { Secrets } from "./auth/secrets.ts";

/** Everything the domain functions need, passed explicitly. */
export interface CoreDeps {
  db: Db;
  bus: Bus;
  secrets: Secrets;
  now: () => Date;
}

/** Who is calling: resolved from an API key or a user session before any domain call. */
export interface Caller {
  userId: string;
}

export interface AgentCaller extends Caller {
  apiKeyId: string;
}
