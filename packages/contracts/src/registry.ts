import { agentOperations } from "./agent/index.ts";
import type { Operation } from "./operation.ts";
import { publicOperations } from "./public/index.ts";
import { userOperations } from "./user/index.ts";

/** Every operation, grouped by audience; router keys equal these keys. */
export const operations = {
  agent: agentOperations,
  user: userOperations,
  public: publicOperations,
} as const;

export type AgentOperations = typeof agentOperations;
export type UserOperations = typeof userOperations;
export type PublicOperations = typeof publicOperations;

/** All operations as a flat list, for the surfaces that iterate them (REST, OpenAPI, MCP). */
export const allOperations: readonly Operation[] = [
  ...Object.values(agentOperations),
  ...Object.values(userOperations),
  ...Object.values(publicOperations),
];
