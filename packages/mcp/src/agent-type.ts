import { limits } from "@omnara/contracts";

/**
 * Omnara's agent type names for the clients it knew, matched in the MCP client name or the
 * X-Client-Type header. Order matters: "roo-cline" before "cline", "claude-code" before "claude".
 */
const knownClients: readonly [pattern: RegExp, agentType: string][] = [
  [/claude[\s_-]?code/i, "claude-code"],
  [/roo/i, "roo-cline"],
  [/cline/i, "cline"],
  [/cursor/i, "cursor"],
  [/windsurf|codeium/i, "windsurf"],
  [/visual studio code|vs\s?code|copilot/i, "vscode"],
  [/witsy/i, "witsy"],
  [/enconvo/i, "enconvo"],
  [/codex/i, "codex"],
  [/gemini/i, "gemini"],
  [/claude/i, "claude"],
];

const clean = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim().slice(0, limits.nameChars);
  return trimmed ? trimmed : undefined;
};

export interface AgentTypeSources {
  /** From a flag or environment variable: wins over everything. */
  override?: string | undefined;
  /** The X-Client-Type header of an HTTP request. */
  header?: string | undefined;
  /** `clientInfo.name` from the MCP initialize request. */
  clientName?: string | undefined;
}

/** The agent type shown on the dashboard for this client. */
export function agentTypeOf(sources: AgentTypeSources): string {
  const explicit = clean(sources.override) ?? clean(sources.header);
  if (explicit) return explicit;
  const name = clean(sources.clientName);
  if (!name) return "unknown";
  return knownClients.find(([pattern]) => pattern.test(name))?.[1] ?? name.toLowerCase();
}
