import type { AgentApi } from "@omnara/contracts";
import { createAgentApi } from "./agent-api.ts";
import { type ClientConfig, type OmnaraOptions, resolveClientConfig } from "./client-options.ts";
import { Session, type SessionOptions } from "./session.ts";

/**
 * The Omnara client. One per process is enough; it holds no connection of its own.
 *
 * ```ts
 * const omnara = new Omnara({ apiKey, baseUrl });
 * const session = await omnara.session({ agentType: "Deploy bot" });
 * ```
 */
export class Omnara {
  /** Every agent operation, typed from Omnara's contracts, with the same retries as sessions. */
  readonly api: AgentApi;
  /** The server this client talks to, without a trailing slash. */
  readonly baseUrl: string;
  readonly #config: ClientConfig;

  /** Throws an OmnaraError with code INVALID_CONFIG when no API key or server address is found. */
  constructor(options: OmnaraOptions = {}) {
    this.#config = resolveClientConfig(options);
    this.baseUrl = this.#config.baseUrl;
    this.api = createAgentApi(this.#config);
  }

  /**
   * Starts an agent session (an instance on the dashboard), or resumes the one named by
   * `instanceId`. Heartbeats run until `session.end()`, its signal aborts, or the process exits.
   */
  session(options: SessionOptions): Promise<Session> {
    return Session.start(this.api, this.#config, options);
  }
}
