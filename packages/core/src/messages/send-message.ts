import { randomUUID } from "node:crypto";
import {
  type agentOperations,
  type InstanceStatus,
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
} from "@omnara/contracts";
import type { BusEvent, Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, count, eq, isNull, sql } from "drizzle-orm";
import { noteKeyUsed, type SignedApiKey, type UncheckedApiKey } from "../auth/api-keys.ts";
import type { AgentCaller, Caller, CoreDeps } from "../deps.ts";
import { recordFeed } from "../events/feed.ts";
import { createInstance } from "../instances/create-instance.ts";
import type { InstanceRow } from "../instances/owned-instance.ts";
import { applyInstanceEvent } from "../instances/status-machine.ts";
import { notFound } from "../not-found.ts";
import { enqueueNotification } from "../notifications/enqueue.ts";
import { toMessage } from "../serialize.ts";
import { enqueueEventWebhooks, questionEvent } from "../webhooks/enqueue.ts";
import { normalizeGitDiff } from "./git-diff.ts";
import { type LiveKey, type MessageAuthor, storeAgentMessageInOneStatement } from "./one-statement-agent-message.ts";
import { type MessageRow, userMessagesAfter } from "./queries.ts";
import { unreadFrom } from "./read-cursor.ts";

const { agentInstances, messages } = schema;
type Input = OperationArgs<typeof agentOperations.sendMessage>;
type Output = OperationOutput<typeof agentOperations.sendMessage>;

/** Previews in lists need no more than this. */
const PREVIEW_CHARS = 500;
export const preview = (content: string): string => content.slice(0, PREVIEW_CHARS);

/**
 * Locks the instance for this transaction, creating it on first use. Another user's id looks
 * the same as a missing one.
 */
export async function lockOrCreateInstance(
  tx: Db,
  deps: CoreDeps,
  caller: AgentCaller,
  instanceId: string,
  create: { agentType?: string | undefined; name?: string | undefined; metadata?: Input["message_metadata"] },
): Promise<{ instance: InstanceRow; created: boolean; announced: BusEvent[] }> {
  const lock = () => tx.select().from(agentInstances).where(eq(agentInstances.id, instanceId)).for("update");
  let [instance] = await lock();
  let created = false;
  let announced: BusEvent[] = [];
  if (!instance) {
    if (!create.agentType) {
      throw new OmnaraError("BAD_REQUEST", "agent_type is required when creating new instance", {
        issues: [{ path: "agent_type", message: "required when creating an instance" }],
      });
    }
    const inserted = await createInstance(tx, deps, caller, {
      id: instanceId,
      agentType: create.agentType,
      name: create.name,
    });
    created = inserted !== undefined;
    announced = inserted?.events ?? [];
    [instance] = await lock();
  }
  if (!instance || instance.userId !== caller.userId || instance.status === "DELETED") {
    throw notFound("Agent instance");
  }
  return { instance, created, announced };
}

/** User messages that were queued when an earlier (retried) agent message was stored. */
function queuedBefore(tx: Db, message: MessageRow): Promise<MessageRow[]> {
  return tx
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.agentInstanceId, message.agentInstanceId),
        eq(messages.senderType, "USER"),
        isNull(messages.cancelledAt),
        sql`${messages.seq} < ${message.seq}`,
        sql`${messages.seq} > coalesce((select max(m.seq) from messages m where m.agent_instance_id = ${message.agentInstanceId} and m.sender_type = 'AGENT' and m.seq < ${message.seq}), 0)`,
      ),
    )
    .orderBy(messages.seq);
}

const messageEvent = (
  caller: Caller,
  message: Pick<MessageRow, "agentInstanceId" | "id" | "requiresUserInput">,
  queuedJobs?: boolean,
): BusEvent => ({
  type: "message",
  userId: caller.userId,
  agentInstanceId: message.agentInstanceId,
  messageId: message.id,
  senderType: "AGENT",
  requiresUserInput: message.requiresUserInput,
  ...(queuedJobs === false ? { queuedJobs } : {}),
});

/** The steps up to and including `message` (for a retried send, whose count has moved on). */
async function stepNumberAt(tx: Db, message: MessageRow): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(messages)
    .where(
      and(
        eq(messages.agentInstanceId, message.agentInstanceId),
        eq(messages.senderType, "AGENT"),
        eq(messages.requiresUserInput, false),
        sql`${messages.seq} <= ${message.seq}`,
      ),
    );
  return row?.n ?? 0;
}

type Stored = { output: Output; stepNumber: number };

async function storeInOneStatement(
  deps: CoreDeps,
  author: MessageAuthor,
  input: Input,
): Promise<{ stored: Stored | undefined; liveKey: LiveKey | undefined }> {
  const userId = "caller" in author ? author.caller.userId : author.key.userId;
  const { stored, liveKey } = await storeAgentMessageInOneStatement(deps.db, author, {
    instanceId: input.agent_instance_id,
    messageId: randomUUID(),
    content: input.content,
    requiresUserInput: input.requires_user_input,
    metadata: input.message_metadata ?? null,
    idempotencyKey: input.idempotency_key ?? null,
    gitDiff: input.git_diff === undefined ? undefined : normalizeGitDiff(input.git_diff),
    name: input.name,
    preview: preview(input.content),
    sendPush: input.send_push,
    sendEmail: input.send_email,
    now: deps.now(),
  });
  if (!stored) return { stored: undefined, liveKey };
  const caller = { userId };
  const message = {
    agentInstanceId: input.agent_instance_id,
    id: stored.messageId,
    requiresUserInput: input.requires_user_input,
  };
  const statusChanged = stored.statusAfter !== stored.statusBefore;
  await deps.bus.publish([
    messageEvent(caller, message, stored.queuedJobs),
    ...(statusChanged
      ? [
          {
            type: "instance" as const,
            userId: caller.userId,
            agentInstanceId: input.agent_instance_id,
            status: stored.statusAfter as InstanceStatus,
          },
        ]
      : []),
  ]);
  return {
    stored: {
      output: {
        success: true,
        agent_instance_id: input.agent_instance_id,
        message_id: stored.messageId,
        queued_user_messages: stored.queued.map(toMessage),
      },
      stepNumber: stored.stepCount,
    },
    liveKey,
  };
}

/**
 * From an unchecked key (its signature holds, its row not read), the message's one statement
 * requires the row, so the key costs no round trip of its own; when that finds no live row, the
 * key is checked as every agent call's is (which refuses it with the usual error) and the message
 * is sent as usual.
 */
export async function sendMessage(
  deps: CoreDeps,
  caller: AgentCaller | UncheckedApiKey,
  input: Input,
): Promise<Output> {
  if ("signed" in caller) {
    const sent = await sendWithKey(deps, caller.signed, input);
    return sent ?? (await storeAgentMessage(deps, await caller.check(), input)).output;
  }
  return (await storeAgentMessage(deps, caller, input)).output;
}

/**
 * Undefined when the key's row does not allow the call (nothing was written). When it does but the
 * message takes the transaction path, that path runs here with the caller the row named.
 */
async function sendWithKey(deps: CoreDeps, key: SignedApiKey, input: Input): Promise<Output | undefined> {
  const { stored, liveKey } = await storeInOneStatement(deps, { key }, input);
  if (!liveKey) return undefined;
  if (liveKey.useDue) await noteKeyUsed(deps, key.apiKeyId, deps.now());
  if (stored) return stored.output;
  const caller: AgentCaller = { userId: key.userId, apiKeyId: key.apiKeyId, keyKind: liveKey.kind };
  return (await storeInTransaction(deps, caller, input)).output;
}

/** sendMessage, and the instance's step count once the message is stored (log_step's number). */
export async function storeAgentMessage(deps: CoreDeps, caller: AgentCaller, input: Input): Promise<Stored> {
  // A message to an existing instance takes one statement when nothing unusual is going on.
  const { stored } = await storeInOneStatement(deps, { caller }, input);
  return stored ?? (await storeInTransaction(deps, caller, input));
}

/** Every case the one statement does not take: a new instance, a repeated key, an interrupt, a race. */
async function storeInTransaction(deps: CoreDeps, caller: AgentCaller, input: Input): Promise<Stored> {
  const events: BusEvent[] = [];
  const result = await deps.db.transaction(async (tx) => {
    const { instance, created, announced } = await lockOrCreateInstance(tx, deps, caller, input.agent_instance_id, {
      agentType: input.agent_type,
      name: input.name,
    });
    if (input.idempotency_key) {
      const [earlier] = await tx
        .select()
        .from(messages)
        .where(and(eq(messages.agentInstanceId, instance.id), eq(messages.idempotencyKey, input.idempotency_key)));
      if (earlier) {
        // Published again: the first try's event may be the one that was lost.
        events.push(messageEvent(caller, earlier));
        return {
          message: earlier,
          queued: await queuedBefore(tx, earlier),
          stepNumber: await stepNumberAt(tx, earlier),
        };
      }
    }
    const now = deps.now();
    const [message] = await tx
      .insert(messages)
      .values({
        agentInstanceId: instance.id,
        senderType: "AGENT",
        content: input.content,
        requiresUserInput: input.requires_user_input,
        messageMetadata: input.message_metadata ?? null,
        idempotencyKey: input.idempotency_key ?? null,
        createdAt: now,
      })
      .returning();
    if (!message) throw new Error("insert returned no message");
    // Replies a read already handed out are not queued again: this message acknowledges them.
    const queued = await userMessagesAfter(tx, instance.id, unreadFrom(instance), message.seq);
    const applied = await applyInstanceEvent(
      tx,
      { userId: caller.userId, instanceId: instance.id },
      input.requires_user_input ? "question" : "step",
      {
        locked: instance,
        patch: () => ({
          lastHeartbeatAt: now,
          lastReadMessageId: message.id,
          deliveredMessageId: null,
          latestMessage: preview(input.content),
          latestMessageAt: now,
          chatLength: sql`${agentInstances.chatLength} + 1`,
          ...(input.requires_user_input ? {} : { stepCount: sql`${agentInstances.stepCount} + 1` }),
          ...(input.git_diff !== undefined ? { gitDiff: normalizeGitDiff(input.git_diff) } : {}),
          ...(input.name && !instance.name ? { name: input.name } : {}),
          // The message is the agent's next opportunity to hear the user's interrupt: taken here, once.
          ...(instance.interruptRequestedAt ? { interruptRequestedAt: null } : {}),
        }),
      },
    );
    const queuedJob = await enqueueNotification(
      tx,
      {
        kind: "agent_message",
        userId: caller.userId,
        agentInstanceId: instance.id,
        messageId: message.id,
        content: input.content,
        requiresUserInput: input.requires_user_input,
        sendPush: input.send_push,
        sendEmail: input.send_email,
      },
      now,
    );
    if (input.requires_user_input) {
      await enqueueEventWebhooks(tx, questionEvent(caller.userId, message), now);
    }
    // A new instance changes the counts even though its status is the default one.
    const born: BusEvent[] =
      created && applied.events.length === 0
        ? [{ type: "instance", userId: caller.userId, agentInstanceId: instance.id, status: applied.after.status }]
        : [];
    // Questions queue webhook deliveries too; a plain step usually queues nothing at all.
    const stored = [messageEvent(caller, message, queuedJob || input.requires_user_input), ...born];
    await recordFeed(tx, stored);
    events.push(...stored, ...applied.events, ...announced);
    return {
      message,
      queued,
      stepNumber: applied.after.stepCount,
      interrupted: instance.interruptRequestedAt !== null,
    };
  });
  await deps.bus.publish(events);
  return {
    output: {
      success: true,
      agent_instance_id: result.message.agentInstanceId,
      message_id: result.message.id,
      queued_user_messages: result.queued.map(toMessage),
      ...("interrupted" in result && result.interrupted ? { interrupted: true as const } : {}),
    },
    stepNumber: result.stepNumber,
  };
}
