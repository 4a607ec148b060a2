import { z } from "zod";
import { limits } from "./limits.ts";

/**
 * Shapes shared by several operations. The wire is snake_case because Omnara's v1 agents
 * (its Python SDK, n8n node, MCP tools) already speak it; every surface uses the same shape.
 */

export const instanceStatuses = [
  /** The agent is working. */
  "ACTIVE",
  /** The agent asked a question and waits for the user. */
  "AWAITING_INPUT",
  /** The agent ended the session normally, or the user marked it completed. */
  "COMPLETED",
  /** The agent ended the session reporting that its task failed. */
  "FAILED",
  /**
   * The agent's process went away without finishing (killed, Ctrl+C, lost its host). Unlike
   * COMPLETED it is not final: the next agent message on the instance makes it ACTIVE again.
   */
  "DISCONNECTED",
  /** Deleted by the user; hidden everywhere and its messages removed. */
  "DELETED",
] as const;
export const InstanceStatus = z.enum(instanceStatuses);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

export const SenderType = z.enum(["AGENT", "USER"]);
export type SenderType = z.infer<typeof SenderType>;

export const Uuid = z.uuid();
export const IsoDateTime = z.iso.datetime({ offset: true });

export const MessageText = z.string().min(1, "must not be empty").max(limits.messageChars);
export const Name = z.string().trim().min(1, "must not be empty").max(limits.nameChars);
/** Client-chosen key that makes a retried write store one row. */
export const IdempotencyKey = z.string().min(1).max(limits.idempotencyKeyChars);
export const GitDiff = z.string().max(limits.gitDiffChars);

/** Free-form JSON object whose serialized size is bounded. */
export const Metadata = z
  .record(z.string(), z.json())
  .refine((value) => JSON.stringify(value).length <= limits.metadataJsonChars, {
    message: `must serialize to at most ${limits.metadataJsonChars} characters`,
    params: { tooBig: true },
  });
export type Metadata = z.infer<typeof Metadata>;

export const PageLimit = z.coerce.number().int().min(1).max(limits.maxPageSize);

export const Message = z.object({
  id: Uuid,
  agent_instance_id: Uuid,
  content: z.string(),
  sender_type: SenderType,
  sender_user_id: Uuid.nullable(),
  requires_user_input: z.boolean(),
  message_metadata: Metadata.nullable(),
  created_at: IsoDateTime,
  /**
   * A user message's way to the agent, in the dashboard's lists: 'queued' until a read hands it
   * to the agent ('delivered'), or 'cancelled' when withdrawn while queued. Absent on agent
   * messages and in what agents read.
   */
  delivery: z.enum(["queued", "delivered", "cancelled"]).optional(),
});
export type Message = z.infer<typeof Message>;

/** What a share lets its recipient do: READ follows the instance; WRITE also replies and answers. */
export const ShareRole = z.enum(["READ", "WRITE"]);
export type ShareRole = z.infer<typeof ShareRole>;

export const AgentInstance = z.object({
  id: Uuid,
  agent_type_id: Uuid,
  agent_type_name: z.string(),
  name: z.string().nullable(),
  status: InstanceStatus,
  started_at: IsoDateTime,
  ended_at: IsoDateTime.nullable(),
  last_heartbeat_at: IsoDateTime.nullable(),
  latest_message: z.string().nullable(),
  latest_message_at: IsoDateTime.nullable(),
  chat_length: z.number().int(),
  instance_metadata: Metadata.nullable(),
  /** Set when the instance is another user's, shared with the caller: how, and by whom. */
  shared: z
    .object({
      role: ShareRole,
      owner_email: z.string(),
      /** The team it is shared through, when the strongest share is a team's. */
      team_name: z.string().optional(),
    })
    .optional(),
});
export type AgentInstance = z.infer<typeof AgentInstance>;

export const PendingStatus = z.enum(["ok", "stale"]);
