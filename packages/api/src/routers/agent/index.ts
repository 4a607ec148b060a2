import { agentOperations } from "@omnara/contracts";
import { proceduresFor } from "../../from-contract.ts";
import { agentKeyFirstProcedure, agentProcedure, router } from "../../trpc.ts";
import { agentMachineHandlers } from "./machines.ts";
import { agentMcpToolHandlers } from "./mcp-tools.ts";
import { agentKeyFirstMessageHandlers, agentMessageHandlers } from "./messages.ts";
import { agentSessionHandlers } from "./sessions.ts";

const { sendMessage, ...keyChecked } = agentOperations;

/** The write path: what agents call with their API key. A message's statement checks the key. */
export const agentRouter = router({
  ...proceduresFor(agentProcedure, keyChecked, {
    ...agentMessageHandlers,
    ...agentSessionHandlers,
    ...agentMcpToolHandlers,
    ...agentMachineHandlers,
  }),
  ...proceduresFor(agentKeyFirstProcedure, { sendMessage }, agentKeyFirstMessageHandlers),
});
