import type { OperationArgs, OperationOutput, userOperations, WebhookDelivery } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, asc, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { iso, isoOrNull } from "../serialize.ts";

const { webhookDeliveries: deliveries, webhookAttempts: attempts } = schema;
type Op = typeof userOperations;
type DeliveryRow = typeof deliveries.$inferSelect;
type AttemptRow = typeof attempts.$inferSelect;

export const toDelivery = (row: DeliveryRow, tries: AttemptRow[]): WebhookDelivery => ({
  id: row.id,
  created_at: iso(row.createdAt),
  webhook_id: row.endpointId,
  event: row.event,
  url: row.url,
  agent_instance_id: row.agentInstanceId,
  state: row.state,
  attempts: tries.map((attempt) => ({
    attempt: attempt.attempt,
    at: iso(attempt.createdAt),
    status: attempt.status,
    error: attempt.error,
    response_excerpt: attempt.responseExcerpt,
    duration_ms: attempt.durationMs,
  })),
  next_attempt_at: row.state === "pending" ? iso(row.nextAttemptAt) : null,
  delivered_at: isoOrNull(row.deliveredAt),
  replay_of: row.replayOf,
  body: row.body,
});

export async function listWebhookDeliveries(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["listWebhookDeliveries"]>,
): Promise<OperationOutput<Op["listWebhookDeliveries"]>> {
  const filters: SQL[] = [eq(deliveries.userId, caller.userId)];
  if (input.webhook_id) filters.push(eq(deliveries.endpointId, input.webhook_id));
  if (input.delivery_id) filters.push(eq(deliveries.id, input.delivery_id));
  const rows = await deps.db
    .select()
    .from(deliveries)
    .where(and(...filters))
    .orderBy(desc(deliveries.seq))
    .limit(input.limit);
  const tries =
    rows.length === 0
      ? []
      : await deps.db
          .select()
          .from(attempts)
          .where(
            inArray(
              attempts.deliveryId,
              rows.map((row) => row.id),
            ),
          )
          .orderBy(asc(attempts.attempt));
  return {
    deliveries: rows.map((row) =>
      toDelivery(
        row,
        tries.filter((attempt) => attempt.deliveryId === row.id),
      ),
    ),
  };
}

/** The same body to the same URL as a new delivery; the receiver can tell by X-Omnara-Delivery. */
export async function replayWebhookDelivery(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["replayWebhookDelivery"]>,
): Promise<OperationOutput<Op["replayWebhookDelivery"]>> {
  const [original] = await deps.db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.id, input.delivery_id), eq(deliveries.userId, caller.userId)));
  if (!original) throw notFound(`Webhook delivery ${input.delivery_id}`);
  const now = deps.now();
  const [row] = await deps.db
    .insert(deliveries)
    .values({
      userId: caller.userId,
      endpointId: original.endpointId,
      event: original.event,
      url: original.url,
      body: original.body,
      headers: original.headers,
      agentInstanceId: original.agentInstanceId,
      questionMessageId: original.questionMessageId,
      replayOf: original.id,
      nextAttemptAt: now,
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("replay insert returned no row");
  deps.doorbell.ring();
  return toDelivery(row, []);
}
