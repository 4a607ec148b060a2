import type { OperationArgs, OperationOutput, userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, eq, lt } from "drizzle-orm";
import type { CoreDeps } from "../deps.ts";
import type { InstanceAccess } from "../instances/instance-access.ts";
import { iso } from "../serialize.ts";

const { notificationPresence } = schema;
type Op = typeof userOperations;

/**
 * A dashboard tab says it shows an instance (visible) or stopped (hidden). Stored with an
 * expiry so every server process sees it and a tab that vanishes without a word stops
 * suppressing notifications within ttl_seconds.
 */
export async function reportPresence(
  deps: CoreDeps,
  access: InstanceAccess,
  input: OperationArgs<Op["reportPresence"]>,
): Promise<OperationOutput<Op["reportPresence"]>> {
  // Presence is the watcher's own (a share's recipient watching mutes only the recipient's pushes).
  const caller = { userId: access.userId };
  const instance = { id: access.instanceId };
  const key = and(
    eq(notificationPresence.userId, caller.userId),
    eq(notificationPresence.agentInstanceId, instance.id),
    eq(notificationPresence.clientId, input.client_id),
  );
  const now = deps.now();
  // Expired rows of this user go with any report, so the table stays the size of open tabs.
  await deps.db
    .delete(notificationPresence)
    .where(and(eq(notificationPresence.userId, caller.userId), lt(notificationPresence.expiresAt, now)));
  if (!input.visible) {
    await deps.db.delete(notificationPresence).where(key);
    return { success: true, expires_at: null };
  }
  const expiresAt = new Date(now.getTime() + input.ttl_seconds * 1000);
  await deps.db
    .insert(notificationPresence)
    .values({ userId: caller.userId, agentInstanceId: instance.id, clientId: input.client_id, expiresAt })
    .onConflictDoUpdate({
      target: [notificationPresence.userId, notificationPresence.agentInstanceId, notificationPresence.clientId],
      set: { expiresAt },
    });
  return { success: true, expires_at: iso(expiresAt) };
}
