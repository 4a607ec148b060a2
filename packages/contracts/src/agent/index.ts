import { askQuestion } from "./ask-question.ts";
import { endSession } from "./end-session.ts";
import { getPendingMessages } from "./get-pending-messages.ts";
import { heartbeat } from "./heartbeat.ts";
import { logStep } from "./log-step.ts";
import { pollMachine, registerMachine, reportMachineSession } from "./machine.ts";
import { registerInstance } from "./register-instance.ts";
import { requestInput } from "./request-input.ts";
import { sendMessage } from "./send-message.ts";
import { sendUserMessage } from "./send-user-message.ts";
import { verifyKey } from "./verify-key.ts";
import { waitForControl } from "./wait-for-control.ts";
import { waitForReply } from "./wait-for-reply.ts";

/** Operations an agent calls with its API key: the write path. */
export const agentOperations = {
  sendMessage,
  waitForReply,
  getPendingMessages,
  requestInput,
  sendUserMessage,
  heartbeat,
  endSession,
  registerInstance,
  verifyKey,
  logStep,
  askQuestion,
  registerMachine,
  pollMachine,
  reportMachineSession,
  waitForControl,
} as const;
