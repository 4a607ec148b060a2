import type { OperationOutput, userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { eq, sql } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";

const { webhookSecrets: secrets } = schema;
type Op = typeof userOperations;

export async function getWebhookSigningSecret(
  deps: CoreDeps,
  caller: Caller,
): Promise<OperationOutput<Op["getWebhookSigningSecret"]>> {
  // The database makes the secret (see the schema), so the sender and this agree on the first one.
  await deps.db.insert(secrets).values({ userId: caller.userId }).onConflictDoNothing();
  const [row] = await deps.db.select().from(secrets).where(eq(secrets.userId, caller.userId));
  if (!row) throw new Error(`no webhook secret for user ${caller.userId}`);
  return { signing_secret: row.secret };
}

export async function rotateWebhookSigningSecret(
  deps: CoreDeps,
  caller: Caller,
): Promise<OperationOutput<Op["rotateWebhookSigningSecret"]>> {
  const fresh = sql`'whsec_' || replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`;
  const [row] = await deps.db
    .insert(secrets)
    .values({ userId: caller.userId, createdAt: deps.now() })
    .onConflictDoUpdate({ target: secrets.userId, set: { secret: fresh, createdAt: deps.now() } })
    .returning();
  if (!row) throw new Error(`no webhook secret for user ${caller.userId}`);
  return { signing_secret: row.secret };
}
