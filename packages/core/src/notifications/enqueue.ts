import type { Db, schema } from "@omnara/db";
import { type SQL, sql } from "drizzle-orm";
import { firstLine } from "./first-line.ts";

/** What happened, as the write paths know it. */
export type NotificationCause =
  | {
      kind: "agent_message";
      userId: string;
      agentInstanceId: string;
      messageId: string;
      content: string;
      requiresUserInput: boolean;
      /** The message's own flags: undefined leaves the agent type's default, true/false decide (within the global switches). */
      sendPush?: boolean | undefined;
      sendEmail?: boolean | undefined;
    }
  | { kind: "session_end"; userId: string; agentInstanceId: string; status: string };

/**
 * Queues the notification a write causes, in the writer's transaction (pass `tx`), so the
 * message and its notification commit together: a restart in between still sends it once.
 * The rules that need no state: questions notify unless a flag says no; steps only when a flag
 * asks; sessions notify once when they complete or fail. Preferences, quiet hours, watching and
 * the rate limit are applied when the dispatcher plans the job.
 */
/** Returns false when the cause queues no job at all (nothing was written). */
export async function enqueueNotification(tx: Db, cause: NotificationCause, now: Date): Promise<boolean> {
  const insert = notificationJobsInsert(cause, now, sql`(select 1) as gate`);
  if (!insert) return false;
  await tx.execute(insert);
  return true;
}

/**
 * Who is notified of an instance: its owner, everyone it is shared with by email (once they have
 * an account), and the members of every team it is shared with, itself or through its agent
 * type. Each by their own preferences; each once.
 */
const recipientsOf = (agentInstanceId: string, owner: string): SQL => sql`
  select ${owner}::uuid as user_id
  union
  select s.user_id from instance_shares s where s.agent_instance_id = ${agentInstanceId}::uuid and s.user_id is not null
  union
  select m.user_id from team_instance_shares t join team_members m on m.team_id = t.team_id
    where t.agent_instance_id = ${agentInstanceId}::uuid
  union
  select m.user_id from agent_instances i
    join team_agent_type_shares t on t.agent_type_id = i.agent_type_id
    join team_members m on m.team_id = t.team_id
    where i.id = ${agentInstanceId}::uuid`;

/**
 * enqueueNotification as one INSERT for a data-modifying CTE of a writer's single statement
 * (one-statement-agent-message.ts): the same job and recipients, with rows only when `gate` (the
 * name of a CTE of that statement) has a row. Undefined when the cause queues no job.
 */
export function notificationJobsInsert(cause: NotificationCause, now: Date, gate: SQL): SQL | undefined {
  const job = jobFor(cause);
  if (!job) return undefined;
  const at = now.toISOString();
  const owner = cause.userId;
  const dedupe = job.dedupeKey ?? null;
  return sql`insert into notification_jobs (user_id, agent_instance_id, message_id, event, preview, allow_push, allow_email, push_flag, email_flag, dedupe_key, run_at, created_at)
    select r.user_id, ${cause.agentInstanceId}::uuid, ${job.messageId ?? null}::uuid, ${job.event}::notification_event, ${job.preview ?? null}::text,
      ${job.allowPush}::boolean, ${job.allowEmail}::boolean, ${job.pushFlag ?? null}::boolean, ${job.emailFlag ?? null}::boolean,
      case when r.user_id = ${owner}::uuid then ${dedupe}::text else ${dedupe}::text || ':' || r.user_id::text end,
      ${at}::timestamptz, ${at}::timestamptz
    from ${gate}, (${recipientsOf(cause.agentInstanceId, owner)}) r
    on conflict do nothing`;
}

type JobValues = Pick<
  typeof schema.notificationJobs.$inferInsert,
  "event" | "messageId" | "preview" | "allowPush" | "allowEmail" | "pushFlag" | "emailFlag" | "dedupeKey"
>;

function jobFor(cause: NotificationCause): JobValues | undefined {
  if (cause.kind === "session_end") {
    if (cause.status !== "COMPLETED" && cause.status !== "FAILED") return undefined;
    return {
      event: cause.status === "COMPLETED" ? "session_completed" : "session_failed",
      allowPush: true,
      allowEmail: true,
      // One per instance, however often the agent ends it.
      dedupeKey: `end:${cause.agentInstanceId}`,
    };
  }
  const question = cause.requiresUserInput;
  // A question notifies unless a flag says no; a step only when one asks (the planner then lets a
  // given flag override the agent type's default, within the global switches).
  const allowPush = question ? cause.sendPush !== false : cause.sendPush === true;
  const allowEmail = question ? cause.sendEmail !== false : cause.sendEmail === true;
  if (!allowPush && !allowEmail) return undefined;
  return {
    event: question ? "question" : "step",
    messageId: cause.messageId,
    preview: firstLine(cause.content),
    allowPush,
    allowEmail,
    // As given: the planner lets a given flag override the agent type's default (Omnara v1's rule).
    pushFlag: cause.sendPush ?? null,
    emailFlag: cause.sendEmail ?? null,
    // A step later turned into a question notifies again, as a question.
    dedupeKey: `${question ? "question" : "step"}:${cause.messageId}`,
  };
}
