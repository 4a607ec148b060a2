import type { UserRouter } from "@omnara/api";
import type { inferRouterOutputs } from "@trpc/server";

/** Shapes as the dashboard receives them, straight from the router's type. */
type Outputs = inferRouterOutputs<UserRouter>;
export type AgentTypeOverview = Outputs["listAgentTypes"][number];
export type InstanceDetail = Outputs["getInstance"];
export type ApiKeyInfo = Outputs["listApiKeys"][number];
export type Machine = Outputs["listMachines"][number];
