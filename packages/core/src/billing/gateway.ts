import type { PaidPlanId } from "@omnara/contracts";

/** A subscription as the payment provider holds it now: the source of truth for the plan. */
export interface SubscriptionState {
  id: string;
  customerId: string;
  /** Stripe's status: active, trialing, past_due, canceled, unpaid, incomplete, … */
  status: string;
  priceId: string | undefined;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: Date | null;
  /** The user id the subscription was bought for (its metadata), when it says. */
  userId: string | undefined;
}

/** A verified webhook event, reduced to what decides a plan. */
export interface BillingEvent {
  id: string;
  type: string;
  customerId: string | undefined;
  subscriptionId: string | undefined;
  /** Checkout's client_reference_id: the user who started it. */
  userId: string | undefined;
}

/**
 * The payment provider, behind the calls billing needs. The Stripe implementation lives in the
 * HTTP package (which owns outside services); the domain only sees plain values.
 */
export interface BillingGateway {
  createCustomer(input: { email: string; userId: string }): Promise<{ id: string }>;
  createCheckoutSession(input: {
    customerId: string;
    userId: string;
    priceId: string;
    successUrl: string;
    cancelUrl: string;
  }): Promise<{ url: string }>;
  createPortalSession(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  /** undefined when Stripe has no such subscription (another account's, or a test object). */
  retrieveSubscription(id: string): Promise<SubscriptionState | undefined>;
  /** Verifies the signature over the raw body; throws when it does not match. */
  verifyWebhook(rawBody: Buffer, signature: string): BillingEvent;
}

export interface BillingDeps {
  gateway: BillingGateway;
  /** Stripe price id of each paid plan. */
  prices: Record<PaidPlanId, string>;
  /** The dashboard's address: Checkout returns there, limits link to its billing page. */
  publicUrl: string;
}

export const upgradeUrlOf = (billing: BillingDeps): string => `${billing.publicUrl}/billing`;
