import { me, signOut } from "./account.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.ts";
import { deleteInstance } from "./delete-instance.ts";
import { getInstance } from "./get-instance.ts";
import { getSummary } from "./get-summary.ts";
import { listAgentTypes } from "./list-agent-types.ts";
import { listInstances } from "./list-instances.ts";
import { listMessages } from "./list-messages.ts";
import { markCompleted } from "./mark-completed.ts";
import { renameInstance } from "./rename-instance.ts";
import { reply } from "./reply.ts";

/** Operations a signed-in user calls: the read path and replies. */
export const userOperations = {
  listAgentTypes,
  listInstances,
  getSummary,
  getInstance,
  listMessages,
  reply,
  markCompleted,
  renameInstance,
  deleteInstance,
  me,
  signOut,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} as const;
