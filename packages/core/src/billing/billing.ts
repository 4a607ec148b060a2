import { OmnaraError, type OperationArgs, type OperationOutput, plans, type userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { Caller, CoreDeps } from "../deps.ts";
import { isoOrNull } from "../serialize.ts";
import { lockBillingAccount, requireBilling } from "./account.ts";
import { upgradeUrlOf } from "./gateway.ts";
import { billingPeriod, instancesStarted } from "./usage.ts";

const { billingAccounts, users } = schema;
type Op = typeof userOperations;

/** Subscriptions in these states keep their plan; Stripe retries a past_due payment first. */
export const entitledStatuses: ReadonlySet<string> = new Set(["active", "trialing", "past_due"]);
/** A payment failed and Stripe has not given up (past_due) or has stopped retrying (unpaid). */
export const paymentFailedStatuses: ReadonlySet<string> = new Set(["past_due", "unpaid"]);

export async function getBilling(deps: CoreDeps, caller: Caller): Promise<OperationOutput<Op["getBilling"]>> {
  const billing = requireBilling(deps);
  const period = billingPeriod(deps.now());
  const [account] = await deps.db.select().from(billingAccounts).where(eq(billingAccounts.userId, caller.userId));
  const plan = account?.plan ?? "free";
  return {
    plan,
    limit: plans[plan].instancesPerMonth,
    used: await instancesStarted(deps.db, caller.userId, period.start),
    period_start: period.start.toISOString(),
    period_end: period.end.toISOString(),
    subscription:
      account?.stripeSubscriptionId && account.subscriptionStatus
        ? {
            plan,
            status: account.subscriptionStatus,
            cancel_at_period_end: account.cancelAtPeriodEnd,
            current_period_end: isoOrNull(account.currentPeriodEnd),
          }
        : null,
    payment_failed: account?.paymentFailedAt != null,
    upgrade_url: upgradeUrlOf(billing),
  };
}

/**
 * A Checkout Session for the plan's price. The Stripe customer is created once per user (the
 * account row is locked meanwhile, so a double click makes one customer).
 */
export async function createCheckoutSession(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<Op["createCheckoutSession"]>,
): Promise<OperationOutput<Op["createCheckoutSession"]>> {
  const billing = requireBilling(deps);
  return deps.db.transaction(async (tx) => {
    const account = await lockBillingAccount(tx, caller.userId);
    if (account.plan === input.plan && account.subscriptionStatus && account.subscriptionStatus !== "canceled") {
      throw new OmnaraError(
        "CONFLICT",
        `You are on the ${plans[input.plan].name} plan already; manage it from the billing portal.`,
      );
    }
    let customerId = account.stripeCustomerId;
    if (!customerId) {
      const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, caller.userId));
      if (!user) throw new OmnaraError("UNAUTHORIZED", "This account no longer exists.");
      customerId = (await billing.gateway.createCustomer({ email: user.email, userId: caller.userId })).id;
      await tx
        .update(billingAccounts)
        .set({ stripeCustomerId: customerId, updatedAt: deps.now() })
        .where(eq(billingAccounts.userId, caller.userId));
    }
    return billing.gateway.createCheckoutSession({
      customerId,
      userId: caller.userId,
      priceId: billing.prices[input.plan],
      successUrl: `${billing.publicUrl}/billing?checkout=success`,
      cancelUrl: `${billing.publicUrl}/billing?checkout=cancelled`,
    });
  });
}

export async function createPortalSession(
  deps: CoreDeps,
  caller: Caller,
): Promise<OperationOutput<Op["createPortalSession"]>> {
  const billing = requireBilling(deps);
  const [account] = await deps.db
    .select({ customerId: billingAccounts.stripeCustomerId })
    .from(billingAccounts)
    .where(eq(billingAccounts.userId, caller.userId));
  if (!account?.customerId) {
    throw new OmnaraError("CONFLICT", "There is no subscription to manage yet: upgrade first.");
  }
  return billing.gateway.createPortalSession({
    customerId: account.customerId,
    returnUrl: `${billing.publicUrl}/billing`,
  });
}
