import { v1EndInstance } from "./end-instance.ts";
import { v1EndSession } from "./end-session.ts";
import { v1GetPendingMessages } from "./get-pending-messages.ts";
import { v1Heartbeat } from "./heartbeat.ts";
import { v1ReadInstance } from "./read-instance.ts";
import { v1RegisterInstance } from "./register-instance.ts";
import { v1RequestInput } from "./request-input.ts";
import { v1SendMessage } from "./send-message.ts";
import { v1SendUserMessage } from "./send-user-message.ts";
import { v1VerifyKey } from "./verify-key.ts";

/**
 * Omnara v1's agent REST API, for the clients written against it (its Python SDK, wrappers,
 * n8n node). REST only: our own clients use the richer agent operations over tRPC.
 */
export const v1Operations = {
  v1SendMessage,
  v1GetPendingMessages,
  v1RequestInput,
  v1SendUserMessage,
  v1RegisterInstance,
  v1Heartbeat,
  v1EndSession,
  v1VerifyKey,
  v1ReadInstance,
  v1EndInstance,
} as const;
