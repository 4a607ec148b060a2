import { randomUUID } from "node:crypto";
import {
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type userOperations,
  type WebhookEndpoint,
} from "@omnara/contracts";
import { type Db, schema } from "@omnara/db";
import { and, asc, eq } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { iso } from "../serialize.ts";
import { toDelivery } from "./deliveries.ts";
import { eventBody } from "./enqueue.ts";

const { webhookEndpoints: endpoints, webhookDeliveries: deliveries } = schema;
type Op = typeof userOperations;
type EndpointRow = typeof endpoints.$inferSelect;

/** At most this many endpoints per account: each event is one delivery per endpoint. */
const maxEndpoints = 20;

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  url: row.url,
  description: row.description,
  events: row.events,
  enabled: row.enabled,
  created_at: iso(row.createdAt),
});

async function ownedEndpoint(db: Db, caller: Caller, id: string): Promise<EndpointRow> {
  const [row] = await db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.id, id), eq(endpoints.userId, caller.userId)));
  if (!row) throw notFound(`Webhook ${id}`);
  return row;
}

export async function listWebhooks(deps: CoreDeps, caller: Caller): Promise<OperationOutput<Op["listWebhooks"]>> {
  const rows = await deps.db
    .select()
    .from(endpoints)
    .where(eq(endpoints.userId, caller.userId))
    .orderBy(asc(endpoints.createdAt));
  return { webhooks: rows.map(toEndpoint) };
}

export async function createWebhook(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["createWebhook"]>,
): Promise<OperationOutput<Op["createWebhook"]>> {
  const row = await deps.db.transaction(async (tx) => {
    // The user row is the lock two concurrent creates queue on, so the cap holds.
    await tx.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.id, caller.userId)).for("update");
    const existing = await tx.select({ id: endpoints.id }).from(endpoints).where(eq(endpoints.userId, caller.userId));
    if (existing.length >= maxEndpoints) {
      throw new OmnaraError("CONFLICT", `At most ${maxEndpoints} webhooks per account: delete one first.`);
    }
    const [created] = await tx
      .insert(endpoints)
      .values({
        userId: caller.userId,
        url: input.url,
        events: [...new Set(input.events)],
        description: input.description || null,
        createdAt: deps.now(),
      })
      .returning();
    if (!created) throw new Error("webhook insert returned no row");
    return created;
  });
  return toEndpoint(row);
}

export async function updateWebhook(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["updateWebhook"]>,
): Promise<OperationOutput<Op["updateWebhook"]>> {
  await ownedEndpoint(deps.db, caller, input.webhook_id);
  const [row] = await deps.db
    .update(endpoints)
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
      ...(input.description !== undefined ? { description: input.description || null } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    })
    .where(and(eq(endpoints.id, input.webhook_id), eq(endpoints.userId, caller.userId)))
    .returning();
  if (!row) throw notFound(`Webhook ${input.webhook_id}`);
  return toEndpoint(row);
}

export async function deleteWebhook(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["deleteWebhook"]>,
): Promise<OperationOutput<Op["deleteWebhook"]>> {
  const removed = await deps.db
    .delete(endpoints)
    .where(and(eq(endpoints.id, input.webhook_id), eq(endpoints.userId, caller.userId)))
    .returning({ id: endpoints.id });
  if (removed.length === 0) throw notFound(`Webhook ${input.webhook_id}`);
  return { success: true };
}

export async function sendTestWebhook(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["sendTestWebhook"]>,
): Promise<OperationOutput<Op["sendTestWebhook"]>> {
  const endpoint = await ownedEndpoint(deps.db, caller, input.webhook_id);
  const now = deps.now();
  const id = randomUUID();
  const data = { message: "A test delivery from Omnara: your webhook is reachable and its signature checks out." };
  const [row] = await deps.db
    .insert(deliveries)
    .values({
      id,
      userId: caller.userId,
      endpointId: endpoint.id,
      event: "test",
      url: endpoint.url,
      body: eventBody(id, "test", now, { userId: caller.userId, agentInstanceId: null }, data),
      headers: {},
      nextAttemptAt: now,
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("test delivery insert returned no row");
  deps.doorbell.ring();
  return toDelivery(row, []);
}
