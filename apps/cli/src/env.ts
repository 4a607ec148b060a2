/** The only place the CLI reads its environment; everything else receives these values. */
export interface CliEnv {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  /** The agent type `omnara mcp` reports when --client-type is not given. */
  clientType: string | undefined;
  /** Where Claude Code is, when it is not `claude` on PATH. */
  claudePath: string | undefined;
  path: string;
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== "" ? value.trim() : undefined;

export const readCliEnv = (env: NodeJS.ProcessEnv = process.env): CliEnv => ({
  apiKey: nonEmpty(env["OMNARA_API_KEY"]),
  baseUrl: nonEmpty(env["OMNARA_BASE_URL"]),
  clientType: nonEmpty(env["OMNARA_CLIENT_TYPE"]),
  claudePath: nonEmpty(env["OMNARA_CLAUDE_PATH"]),
  path: env["PATH"] ?? "",
});

/** The server `omnara serve` starts by default, so a local setup needs no flags. */
export const DEFAULT_BASE_URL = "http://127.0.0.1:8080";

/** This process's environment plus overrides, for the children the CLI starts (Claude Code, the server). */
export const inheritedEnv = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  ...process.env,
  ...extra,
});
