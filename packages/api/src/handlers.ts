import type { AgentOperations, PublicOperations, UserOperations, V1Operations } from "@omnara/contracts";
import type { HandlersFor, OwnerFirstFor } from "./from-contract.ts";
import type { agentKeyFirstProcedure, agentProcedure, publicProcedure, userProcedure } from "./trpc.ts";

/** One handler per operation of each audience, typed by its base procedure's context. */
export type AgentHandlers = HandlersFor<typeof agentProcedure, AgentOperations>;
export type AgentKeyFirstHandlers = HandlersFor<typeof agentKeyFirstProcedure, AgentOperations>;
export type UserHandlers = HandlersFor<typeof userProcedure, UserOperations>;
export type PublicHandlers = HandlersFor<typeof publicProcedure, PublicOperations>;
export type V1Handlers = HandlersFor<typeof agentProcedure, V1Operations>;
export type V1KeyFirstHandlers = HandlersFor<typeof agentKeyFirstProcedure, V1Operations>;
export type UserOwnerFirst = OwnerFirstFor<typeof userProcedure, UserOperations>;
