import { OmnaraError } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { CoreDeps } from "../deps.ts";
import type { BillingDeps } from "./gateway.ts";

const { billingAccounts } = schema;
export type BillingAccountRow = typeof billingAccounts.$inferSelect;

export function requireBilling(deps: CoreDeps): BillingDeps {
  if (!deps.billing) throw new OmnaraError("NOT_FOUND", "Billing is not enabled on this server.");
  return deps.billing;
}

/** The user's billing row, created on first use and locked for this transaction. */
export async function lockBillingAccount(tx: Db, userId: string): Promise<BillingAccountRow> {
  await tx.insert(billingAccounts).values({ userId }).onConflictDoNothing({ target: billingAccounts.userId });
  const [row] = await tx.select().from(billingAccounts).where(eq(billingAccounts.userId, userId)).for("update");
  if (!row) throw new Error(`billing account of ${userId} vanished after insert`);
  return row;
}
