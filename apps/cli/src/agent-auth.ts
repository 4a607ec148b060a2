import { AuthenticationError, NetworkError, Omnara, OmnaraError } from "@omnara/sdk";
import { CliError } from "./cli-error.ts";
import { credentialsPath, readCredentials } from "./credentials.ts";
import { type CliEnv, DEFAULT_BASE_URL } from "./env.ts";

export interface ServerOptions {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
}

export interface AgentAuth {
  apiKey: string;
  baseUrl: string;
  /** Where the key came from, for `omnara whoami` and error messages. */
  source: "--api-key" | "OMNARA_API_KEY" | "credentials";
}

/** The server to talk to: --base-url, then OMNARA_BASE_URL, then the one logged in to, then local. */
export const resolveBaseUrl = (options: ServerOptions, env: CliEnv): string =>
  (options.baseUrl ?? env.baseUrl ?? readCredentials()?.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");

/** --api-key, then OMNARA_API_KEY, then ~/.omnara/credentials.json. */
export function resolveAgentAuth(options: ServerOptions, env: CliEnv): AgentAuth {
  const baseUrl = resolveBaseUrl(options, env);
  if (options.apiKey) return { apiKey: options.apiKey, baseUrl, source: "--api-key" };
  if (env.apiKey) return { apiKey: env.apiKey, baseUrl, source: "OMNARA_API_KEY" };
  const stored = readCredentials();
  if (stored) return { apiKey: stored.apiKey, baseUrl, source: "credentials" };
  throw new CliError(
    "NOT_SIGNED_IN",
    "Not signed in: no API key.",
    `Run \`omnara login\`, or pass --api-key / set OMNARA_API_KEY (looked in ${credentialsPath()}).`,
  );
}

/** Turns an SDK failure into one the user can act on. */
export function explainServerError(error: unknown, auth: Pick<AgentAuth, "baseUrl" | "source">): unknown {
  if (error instanceof NetworkError || (error instanceof OmnaraError && error.code === "NETWORK_ERROR")) {
    return new CliError(
      "SERVER_UNREACHABLE",
      `Cannot reach the Omnara server at ${auth.baseUrl}.`,
      "Start one with `omnara serve`, or point at yours with --base-url / OMNARA_BASE_URL.",
    );
  }
  if (error instanceof AuthenticationError) {
    return new CliError(
      "BAD_API_KEY",
      `The server at ${auth.baseUrl} refused the API key (from ${auth.source}): it is wrong, expired or revoked.`,
      "Run `omnara login` to get a new one.",
    );
  }
  if (error instanceof OmnaraError) return new CliError("SERVER_ERROR", `The server answered: ${error.message}`);
  return error;
}

/** A client that gives up quickly when the server is down, for the checks a command starts with. */
export const quickClient = (auth: AgentAuth): Omnara =>
  new Omnara({
    apiKey: auth.apiKey,
    baseUrl: auth.baseUrl,
    retry: { maxRetries: 1, minDelayMs: 200, maxDelayMs: 500 },
  });

export async function verifyAuth(auth: AgentAuth): Promise<{ email: string; userId: string }> {
  try {
    const result = await quickClient(auth).api.verifyKey({});
    return { email: result.email, userId: result.user_id };
  } catch (error) {
    throw explainServerError(error, auth);
  }
}
