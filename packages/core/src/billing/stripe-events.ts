import { type PlanId, paidPlanIds } from "@omnara/contracts";
import type { Db } from "@omnara/db";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { CoreDeps } from "../deps.ts";
import { type BillingAccountRow, lockBillingAccount, requireBilling } from "./account.ts";
import { entitledStatuses, paymentFailedStatuses } from "./billing.ts";
import type { BillingDeps, BillingEvent, SubscriptionState } from "./gateway.ts";

const { billingAccounts, billingEvents, users } = schema;

/** The events that can change a plan; others are recorded and acknowledged. */
export const handledEventTypes: ReadonlySet<string> = new Set([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.payment_failed",
]);

export type BillingEventOutcome = "applied" | "duplicate" | "ignored";

function planFor(billing: BillingDeps, state: SubscriptionState): PlanId {
  if (!entitledStatuses.has(state.status)) return "free";
  return paidPlanIds.find((plan) => billing.prices[plan] === state.priceId) ?? "free";
}

async function userExists(tx: Db, userId: string | undefined): Promise<string | undefined> {
  if (!userId) return undefined;
  const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
  return row?.id;
}

/** The account an event is about: by its Stripe customer, else by the user Checkout named. */
async function lockAccountFor(tx: Db, customerId: string | undefined, userIds: (string | undefined)[]) {
  if (customerId) {
    const [row] = await tx
      .select()
      .from(billingAccounts)
      .where(eq(billingAccounts.stripeCustomerId, customerId))
      .for("update");
    if (row) return row;
  }
  for (const candidate of userIds) {
    const userId = await userExists(tx, candidate);
    if (userId) return lockBillingAccount(tx, userId);
  }
  return undefined;
}

/**
 * A subscription Stripe ended is never live again, so a stale state of it (an update applied
 * after its deletion) is not taken; and the end of an older subscription leaves a newer one be.
 */
function isStale(account: BillingAccountRow, state: SubscriptionState): boolean {
  if (account.stripeSubscriptionId === state.id) {
    return account.subscriptionStatus === "canceled" && state.status !== "canceled";
  }
  return (
    account.stripeSubscriptionId !== null &&
    account.subscriptionStatus !== null &&
    entitledStatuses.has(account.subscriptionStatus) &&
    !entitledStatuses.has(state.status)
  );
}

/**
 * Applies a verified Stripe event once (its id is stored in the same transaction), by the
 * subscription's own state retrieved from Stripe under the account's row lock, not by the
 * event's payload: events arrive late, twice and out of order, the subscription is current.
 */
export async function applyBillingEvent(deps: CoreDeps, event: BillingEvent): Promise<BillingEventOutcome> {
  const billing = requireBilling(deps);
  return deps.db.transaction(async (tx) => {
    const [fresh] = await tx
      .insert(billingEvents)
      .values({ id: event.id, type: event.type, receivedAt: deps.now() })
      .onConflictDoNothing({ target: billingEvents.id })
      .returning({ id: billingEvents.id });
    if (!fresh) return "duplicate";
    if (!handledEventTypes.has(event.type) || !event.subscriptionId) return "ignored";
    const hinted = await lockAccountFor(tx, event.customerId, [event.userId]);
    const state = await billing.gateway.retrieveSubscription(event.subscriptionId);
    // Acknowledged (Stripe would otherwise retry for days); nothing to apply.
    if (!state) return "ignored";
    const account = hinted ?? (await lockAccountFor(tx, state.customerId, [state.userId]));
    if (!account) return "ignored";
    await tx.update(billingEvents).set({ userId: account.userId }).where(eq(billingEvents.id, event.id));
    if (isStale(account, state)) return "ignored";
    const now = deps.now();
    await tx
      .update(billingAccounts)
      .set({
        plan: planFor(billing, state),
        stripeCustomerId: state.customerId,
        stripeSubscriptionId: state.id,
        subscriptionStatus: state.status,
        cancelAtPeriodEnd: state.cancelAtPeriodEnd,
        currentPeriodEnd: state.currentPeriodEnd,
        paymentFailedAt: paymentFailedStatuses.has(state.status) ? (account.paymentFailedAt ?? now) : null,
        updatedAt: now,
      })
      .where(eq(billingAccounts.userId, account.userId));
    return "applied";
  });
}
