import { router } from "../../trpc.ts";
import { agentMcpToolProcedures } from "./mcp-tools.ts";
import { agentMessageProcedures } from "./messages.ts";
import { agentSessionProcedures } from "./sessions.ts";

/** The write path: what agents call with their API key. */
export const agentRouter = router({ ...agentMessageProcedures, ...agentSessionProcedures, ...agentMcpToolProcedures });
