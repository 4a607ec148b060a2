import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { AgentInstance, IsoDateTime, Message, Uuid } from "../schemas.ts";

/**
 * Steering a running agent from the dashboard. All three need WRITE on the instance (its owner
 * or a WRITE share's recipient): whoever may answer the agent may also tell it to stop, as
 * "mark completed" already does. Deleting and sharing stay the owner's.
 */
export const interruptInstance = defineOperation({
  id: "interruptInstance",
  audience: "user",
  access: { instance: "write" },
  kind: "mutation",
  description:
    "Interrupt the agent's current turn. The agent is told at once: a waiting call ends with status 'interrupted', a control wait answers 'interrupt', its next message answers interrupted: true; Claude Code under `omnara claude` is interrupted like Esc in its terminal. The session stays open and waits for you. Several interrupts before the agent hears one are one interrupt. A finished session is refused with CONFLICT.",
  input: z.object({ agent_instance_id: Uuid }),
  output: z.object({ agent_instance_id: Uuid, interrupt_requested_at: IsoDateTime }),
  rest: { method: "POST", path: "/api/v1/agent-instances/{agent_instance_id}/interrupt" },
});

export const stopInstance = defineOperation({
  id: "stopInstance",
  audience: "user",
  access: { instance: "write" },
  kind: "mutation",
  description:
    "Stop the session: it is marked COMPLETED (every wait ends with 'ended') and the agent's process is asked to exit (a control wait answers 'stop'; `omnara claude` ends Claude Code). Stopping a finished session changes nothing.",
  input: z.object({ agent_instance_id: Uuid }),
  output: AgentInstance,
  rest: { method: "POST", path: "/api/v1/agent-instances/{agent_instance_id}/stop" },
});

export const cancelQueuedMessage = defineOperation({
  id: "cancelQueuedMessage",
  audience: "user",
  access: { instance: "write" },
  kind: "mutation",
  description:
    "Withdraw a message you sent while the agent was working, as long as it is still queued (delivery 'queued'): the agent never receives it and the chat shows it cancelled. Once it was handed to the agent the answer is CONFLICT. Cancelling a cancelled message again changes nothing.",
  input: z.object({ agent_instance_id: Uuid, message_id: Uuid }),
  output: Message,
  rest: { method: "DELETE", path: "/api/v1/agent-instances/{agent_instance_id}/messages/{message_id}" },
});
