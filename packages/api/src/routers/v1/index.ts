import { v1Operations } from "@omnara/contracts";
import { proceduresFor } from "../../from-contract.ts";
import { agentKeyFirstProcedure, agentProcedure, router } from "../../trpc.ts";
import { v1InstanceHandlers } from "./instances.ts";
import { v1KeyFirstMessageHandlers, v1MessageHandlers } from "./messages.ts";

const { v1SendMessage, ...keyChecked } = v1Operations;

/** Omnara v1's agent REST API, run as tRPC procedures so auth and validation are ours. */
export const v1Router = router({
  ...proceduresFor(agentProcedure, keyChecked, { ...v1MessageHandlers, ...v1InstanceHandlers }),
  ...proceduresFor(agentKeyFirstProcedure, { v1SendMessage }, v1KeyFirstMessageHandlers),
});
