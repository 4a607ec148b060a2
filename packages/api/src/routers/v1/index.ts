import { v1Operations } from "@omnara/contracts";
import { proceduresFor } from "../../from-contract.ts";
import { agentProcedure, router } from "../../trpc.ts";
import { v1InstanceHandlers } from "./instances.ts";
import { v1MessageHandlers } from "./messages.ts";

/** Omnara v1's agent REST API, run as tRPC procedures so auth and validation are ours. */
export const v1Router = router(
  proceduresFor(agentProcedure, v1Operations, { ...v1MessageHandlers, ...v1InstanceHandlers }),
);
