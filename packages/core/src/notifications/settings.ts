import {
  type NotificationSettings,
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type userOperations,
} from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";

const { notificationSettings, notificationCapabilities, users, agentTypes } = schema;
const agentPreferencesTable = schema.notificationAgentPreferences;
type Op = typeof userOperations;
type SettingsValues = Omit<typeof notificationSettings.$inferSelect, "userId" | "updatedAt">;

async function storedSettings(db: Db, userId: string): Promise<SettingsValues> {
  const [row] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, userId));
  return row ?? schema.defaultNotificationSettings;
}

/** Written by the dispatchers at start; absent when none runs against this database yet. */
async function capabilities(
  db: Db,
): Promise<{ channels: NotificationSettings["available_channels"]; webPushPublicKey: string | null }> {
  const [row] = await db.select().from(notificationCapabilities).where(eq(notificationCapabilities.id, "server"));
  return { channels: row?.channels ?? [], webPushPublicKey: row?.webPushPublicKey ?? null };
}

async function present(
  deps: CoreDeps,
  caller: Caller,
  values: SettingsValues,
  dedupe: number,
): Promise<NotificationSettings> {
  const [user] = await deps.db.select({ email: users.email }).from(users).where(eq(users.id, caller.userId));
  if (!user) throw new OmnaraError("UNAUTHORIZED", "This account no longer exists.");
  const caps = await capabilities(deps.db);
  return {
    push_enabled: values.pushEnabled,
    email_enabled: values.emailEnabled,
    email_address: user.email,
    session_end_enabled: values.sessionEndEnabled,
    quiet_hours: {
      enabled: values.quietHoursEnabled,
      start: values.quietHoursStart,
      end: values.quietHoursEnd,
      time_zone: values.timeZone,
    },
    dedupe_window_seconds: dedupe,
    available_channels: caps.channels,
    web_push_public_key: caps.webPushPublicKey,
    agents: await agentPreferences(deps.db, caller.userId),
  };
}

/** Every agent type of the account with its defaults (both on without a row). */
async function agentPreferences(db: Db, userId: string): Promise<NotificationSettings["agents"]> {
  const rows = await db
    .select({
      id: agentTypes.id,
      name: agentTypes.name,
      push: agentPreferencesTable.pushEnabled,
      email: agentPreferencesTable.emailEnabled,
    })
    .from(agentTypes)
    .leftJoin(
      agentPreferencesTable,
      and(eq(agentPreferencesTable.agentTypeId, agentTypes.id), eq(agentPreferencesTable.userId, userId)),
    )
    .where(eq(agentTypes.userId, userId))
    .orderBy(asc(agentTypes.name));
  return rows.map((row) => ({
    agent_type_id: row.id,
    agent_type_name: row.name,
    push_enabled: row.push ?? true,
    email_enabled: row.email ?? true,
  }));
}

async function updateAgentPreferences(
  tx: Db,
  userId: string,
  changes: NonNullable<OperationArgs<Op["updateNotificationSettings"]>["agents"]>,
): Promise<void> {
  if (changes.length === 0) return;
  const ids = [...new Set(changes.map((change) => change.agent_type_id))];
  const owned = await tx
    .select({ id: agentTypes.id })
    .from(agentTypes)
    .where(and(eq(agentTypes.userId, userId), inArray(agentTypes.id, ids)));
  const mine = new Set(owned.map((row) => row.id));
  const foreign = changes.findIndex((change) => !mine.has(change.agent_type_id));
  if (foreign >= 0) {
    throw new OmnaraError("NOT_FOUND", "No such agent type in this account.", {
      issues: [{ path: `agents.${foreign}.agent_type_id`, message: "not an agent type of yours" }],
    });
  }
  const table = agentPreferencesTable;
  for (const change of changes) {
    const [current] = await tx
      .select()
      .from(table)
      .where(and(eq(table.userId, userId), eq(table.agentTypeId, change.agent_type_id)));
    const values = {
      pushEnabled: change.push_enabled ?? current?.pushEnabled ?? true,
      emailEnabled: change.email_enabled ?? current?.emailEnabled ?? true,
    };
    await tx
      .insert(table)
      .values({ userId, agentTypeId: change.agent_type_id, ...values })
      .onConflictDoUpdate({ target: [table.userId, table.agentTypeId], set: values });
  }
}

async function dedupeWindow(db: Db): Promise<number> {
  const [row] = await db
    .select({ seconds: notificationCapabilities.dedupeWindowSeconds })
    .from(notificationCapabilities)
    .where(eq(notificationCapabilities.id, "server"));
  return row?.seconds ?? 0;
}

export async function getNotificationSettings(
  deps: CoreDeps,
  caller: Caller,
): Promise<OperationOutput<Op["getNotificationSettings"]>> {
  return present(deps, caller, await storedSettings(deps.db, caller.userId), await dedupeWindow(deps.db));
}

export async function updateNotificationSettings(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["updateNotificationSettings"]>,
): Promise<OperationOutput<Op["updateNotificationSettings"]>> {
  const values = await deps.db.transaction(async (tx) => {
    const current = await storedSettings(tx, caller.userId);
    const quiet = input.quiet_hours ?? {};
    const next: SettingsValues = {
      pushEnabled: input.push_enabled ?? current.pushEnabled,
      emailEnabled: input.email_enabled ?? current.emailEnabled,
      sessionEndEnabled: input.session_end_enabled ?? current.sessionEndEnabled,
      quietHoursEnabled: quiet.enabled ?? current.quietHoursEnabled,
      quietHoursStart: quiet.start ?? current.quietHoursStart,
      quietHoursEnd: quiet.end ?? current.quietHoursEnd,
      timeZone: quiet.time_zone ?? current.timeZone,
    };
    const updatedAt = deps.now();
    await tx
      .insert(notificationSettings)
      .values({ userId: caller.userId, ...next, updatedAt })
      .onConflictDoUpdate({ target: notificationSettings.userId, set: { ...next, updatedAt } });
    await updateAgentPreferences(tx, caller.userId, input.agents ?? []);
    return next;
  });
  return present(deps, caller, values, await dedupeWindow(deps.db));
}
