import { agentOperations } from "./agent/index.ts";
import type { Operation } from "./operation.ts";
import { publicOperations } from "./public/index.ts";
import { userOperations } from "./user/index.ts";
import { v1Operations } from "./v1/index.ts";

/** Every operation, grouped by surface (audience, or v1 for Omnara's v1 REST API); router keys equal these keys. */
export const operations = {
  agent: agentOperations,
  user: userOperations,
  public: publicOperations,
  /** Omnara v1's agent REST API (agent audience, REST only). */
  v1: v1Operations,
} as const;

export type AgentOperations = typeof agentOperations;
export type UserOperations = typeof userOperations;
export type PublicOperations = typeof publicOperations;
export type V1Operations = typeof v1Operations;
export type OperationGroup = keyof typeof operations;

/** All operations as a flat list, for the surfaces that iterate them (REST, OpenAPI, MCP). */
export const allOperations: readonly Operation[] = [
  ...Object.values(agentOperations),
  ...Object.values(userOperations),
  ...Object.values(publicOperations),
  ...Object.values(v1Operations),
];

const groups = new Map<Operation, string>(
  Object.entries(operations).flatMap(([group, ops]) =>
    Object.values(ops).map((op): [Operation, string] => [op, group]),
  ),
);

/** The tRPC path of an operation: `<group>.<id>`, e.g. `agent.sendMessage`, `v1.v1SendMessage`. */
export function procedurePath(op: Operation): string {
  return `${groups.get(op) ?? op.audience}.${op.id}`;
}
