import { z } from "zod";
import { limits } from "../limits.ts";
import { InstanceStatus, IsoDateTime, Metadata, SenderType, Uuid } from "../schemas.ts";

/**
 * Shapes of Omnara's v1 agent API, as its own server (omnara-ai/omnara at 500a82ad,
 * src/servers/api/models.py) sent them. Its Python SDK builds `Message(**msg)`, a dataclass
 * with exactly these fields, so a field added here breaks every waiting SDK call: these
 * schemas are separate from ours on purpose and never extended. zod drops unknown keys when
 * a procedure's output is parsed, so our richer rows come out in exactly this shape.
 */
export const V1Message = z.object({
  id: Uuid,
  content: z.string(),
  sender_type: SenderType,
  created_at: IsoDateTime,
  requires_user_input: z.boolean(),
});
export type V1Message = z.infer<typeof V1Message>;

/** v1 accepted empty content on agent and user messages; only the size is bounded. */
export const V1Content = z.string().max(limits.messageChars);

/** v1 took any agent type name; ours are bounded and trimmed. */
export const V1AgentType = z.string().trim().min(1, "must not be empty").max(limits.nameChars);

/** `AgentInstanceResponse` of the original read API (backend/models.py). */
export const V1AgentInstance = z.object({
  id: Uuid,
  agent_type_id: Uuid,
  agent_type_name: z.string().nullable(),
  name: z.string().nullable(),
  status: InstanceStatus,
  started_at: IsoDateTime,
  ended_at: IsoDateTime.nullable(),
  latest_message: z.string().nullable(),
  latest_message_at: IsoDateTime.nullable(),
  chat_length: z.number().int(),
  last_heartbeat_at: IsoDateTime.nullable(),
  instance_metadata: Metadata.nullable(),
});

/**
 * An optional field v1 also accepted as null (pydantic's `X | None`), read as absent, so one
 * core call serves v1 and our own operations.
 */
export const orAbsent = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value): z.output<T> | undefined => value ?? undefined);

/** Read cursor answer: `stale` when the caller's cursor is not the instance's. */
export const V1PendingStatus = z.enum(["ok", "stale"]);
