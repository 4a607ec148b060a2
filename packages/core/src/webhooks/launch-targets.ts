import { randomUUID } from "node:crypto";
import {
  type LaunchTarget,
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type userOperations,
} from "@omnara/contracts";
import { type Db, schema } from "@omnara/db";
import { and, eq } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { Caller, CoreDeps } from "../deps.ts";
import { notFound } from "../not-found.ts";
import { iso } from "../serialize.ts";
import { renderTemplate } from "./launch-template.ts";
import { seal, unseal } from "./sealed.ts";

const { agentTypes, launchTargets, webhookDeliveries } = schema;
type Op = typeof userOperations;
type Row = typeof launchTargets.$inferSelect;

const GITHUB_API_URL = "https://api.github.com";

const toTarget = (row: Row): LaunchTarget => ({
  agent_type_id: row.agentTypeId,
  kind: row.kind,
  url: row.kind === "url" ? row.url : null,
  body_template: row.bodyTemplate ?? null,
  owner: row.githubOwner,
  repo: row.githubRepo,
  event_type: row.githubEventType,
  has_token: row.tokenSealed !== null,
  fields: row.fields,
  updated_at: iso(row.updatedAt),
});

/** The caller's agent type, or NOT_FOUND (another user's looks the same as none). */
async function ownAgentType(db: Db, caller: Caller, agentTypeId: string): Promise<{ id: string; name: string }> {
  const [row] = await db
    .select({ id: agentTypes.id, name: agentTypes.name })
    .from(agentTypes)
    .where(and(eq(agentTypes.id, agentTypeId), eq(agentTypes.userId, caller.userId)));
  if (!row) throw notFound("Agent type");
  return row;
}

async function targetRow(db: Db, agentTypeId: string): Promise<Row | undefined> {
  const [row] = await db.select().from(launchTargets).where(eq(launchTargets.agentTypeId, agentTypeId));
  return row;
}

export async function getLaunchTarget(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["getLaunchTarget"]>,
): Promise<LaunchTarget | null> {
  const type = await ownAgentType(deps.db, caller, input.agent_type_id);
  const row = await targetRow(deps.db, type.id);
  return row ? toTarget(row) : null;
}

export async function setLaunchTarget(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["setLaunchTarget"]>,
): Promise<LaunchTarget> {
  const type = await ownAgentType(deps.db, caller, input.agent_type_id);
  const { target } = input;
  const earlier = await targetRow(deps.db, type.id);
  // A GitHub target keeps its stored token when none is given; a new one needs one.
  const tokenSealed =
    target.kind === "github"
      ? target.token !== undefined
        ? seal(deps.secrets, target.token)
        : earlier?.kind === "github"
          ? earlier.tokenSealed
          : null
      : null;
  if (target.kind === "github" && tokenSealed === null) {
    throw new OmnaraError("BAD_REQUEST", "A GitHub launch target needs a token.", {
      issues: [{ path: "target.token", message: "required for a new GitHub target" }],
    });
  }
  const values = {
    agentTypeId: type.id,
    userId: caller.userId,
    kind: target.kind,
    url: target.kind === "url" ? target.url : null,
    bodyTemplate: target.kind === "url" ? target.body_template : null,
    githubOwner: target.kind === "github" ? target.owner : null,
    githubRepo: target.kind === "github" ? target.repo : null,
    githubEventType: target.kind === "github" ? target.event_type : null,
    tokenSealed,
    fields: input.fields,
    updatedAt: deps.now(),
  };
  const [row] = await deps.db
    .insert(launchTargets)
    .values(values)
    .onConflictDoUpdate({ target: launchTargets.agentTypeId, set: values })
    .returning();
  if (!row) throw new Error("upsert returned no launch target");
  return toTarget(row);
}

export async function deleteLaunchTarget(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["deleteLaunchTarget"]>,
): Promise<{ success: true }> {
  const type = await ownAgentType(deps.db, caller, input.agent_type_id);
  await deps.db.delete(launchTargets).where(eq(launchTargets.agentTypeId, type.id));
  return { success: true };
}

/**
 * Queues the launch as a webhook delivery, in the transaction that records it in the audit: the
 * dispatcher sends it signed, retries it and logs every attempt, like any Omnara webhook.
 */
export async function launchAgent(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["launchAgent"]>,
): Promise<OperationOutput<Op["launchAgent"]>> {
  const type = await ownAgentType(deps.db, caller, input.agent_type_id);
  const row = await targetRow(deps.db, type.id);
  if (!row) throw new OmnaraError("NOT_FOUND", "This agent type has no launch target: set one first.");
  const missing = row.fields.filter((field) => field.required && !input.fields[field.name]?.trim());
  if (missing.length > 0) {
    throw new OmnaraError("BAD_REQUEST", `Fill in ${missing.map((field) => field.label ?? field.name).join(", ")}.`, {
      issues: missing.map((field) => ({ path: `fields.${field.name}`, message: "required" })),
    });
  }
  const agentInstanceId = randomUUID();
  const known = new Set(row.fields.map((field) => field.name));
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(input.fields).filter(([name]) => known.has(name))),
    agent_instance_id: agentInstanceId,
    agent_type: type.name,
  };
  const request: { url: string; body: unknown; headers: Record<string, string> } =
    row.kind === "github"
      ? {
          url: `${deps.githubApiUrl ?? GITHUB_API_URL}/repos/${row.githubOwner}/${row.githubRepo}/dispatches`,
          body: { event_type: row.githubEventType, client_payload: values },
          headers: {
            Accept: "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            // Opened by the sender only: the row keeps the token sealed.
            Authorization: seal(deps.secrets, `Bearer ${unseal(deps.secrets, row.tokenSealed ?? "")}`),
          },
        }
      : { url: row.url ?? "", body: renderTemplate(row.bodyTemplate ?? {}, values), headers: {} };
  const now = deps.now();
  const deliveryId = randomUUID();
  await deps.db.transaction(async (tx) => {
    await tx.insert(webhookDeliveries).values({
      id: deliveryId,
      userId: caller.userId,
      event: "launch",
      url: request.url,
      body: JSON.stringify(request.body),
      headers: request.headers,
      agentInstanceId,
      nextAttemptAt: now,
      createdAt: now,
    });
    await recordAudit(tx, {
      actor: caller,
      ownerId: caller.userId,
      action: "instance.launch",
      target: { type: "instance", id: agentInstanceId },
      detail: { agent_type: type.name, target: row.kind },
      at: now,
    });
  });
  // The dispatcher wakes on its doorbell for deliveries no bus event announces.
  deps.doorbell.ring();
  return { delivery_id: deliveryId, agent_instance_id: agentInstanceId };
}
