import { agentOperations } from "@omnara/contracts";
import { proceduresFor } from "../../from-contract.ts";
import { agentProcedure, router } from "../../trpc.ts";
import { agentMachineHandlers } from "./machines.ts";
import { agentMcpToolHandlers } from "./mcp-tools.ts";
import { agentMessageHandlers } from "./messages.ts";
import { agentSessionHandlers } from "./sessions.ts";

/** The write path: what agents call with their API key. */
export const agentRouter = router(
  proceduresFor(agentProcedure, agentOperations, {
    ...agentMessageHandlers,
    ...agentSessionHandlers,
    ...agentMcpToolHandlers,
    ...agentMachineHandlers,
  }),
);
