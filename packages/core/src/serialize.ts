import type { AgentInstance, Message } from "@omnara/contracts";
import type { schema } from "@omnara/db";

export const iso = (date: Date): string => date.toISOString();
export const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);

type MessageRow = typeof schema.messages.$inferSelect;
type InstanceRow = typeof schema.agentInstances.$inferSelect;

export const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  agent_instance_id: row.agentInstanceId,
  content: row.content,
  sender_type: row.senderType,
  sender_user_id: row.senderUserId,
  requires_user_input: row.requiresUserInput,
  message_metadata: row.messageMetadata ?? null,
  created_at: iso(row.createdAt),
});

/** Lists read instances without their git diff. */
export const toInstance = (row: Omit<InstanceRow, "gitDiff">, agentTypeName: string): AgentInstance => ({
  id: row.id,
  agent_type_id: row.agentTypeId,
  agent_type_name: agentTypeName,
  name: row.name,
  status: row.status,
  started_at: iso(row.startedAt),
  ended_at: isoOrNull(row.endedAt),
  last_heartbeat_at: isoOrNull(row.lastHeartbeatAt),
  latest_message: row.latestMessage,
  latest_message_at: isoOrNull(row.latestMessageAt),
  chat_length: row.chatLength,
  instance_metadata: row.instanceMetadata ?? null,
});
