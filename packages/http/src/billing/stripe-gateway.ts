import type { BillingConfig } from "@omnara/config";
import { OmnaraError } from "@omnara/contracts";
import type { BillingDeps, BillingEvent, BillingGateway, SubscriptionState } from "@omnara/core";
import Stripe from "stripe";

const idOf = (value: string | { id: string } | null | undefined): string | undefined =>
  typeof value === "string" ? value : value?.id;

function subscriptionState(subscription: Stripe.Subscription): SubscriptionState {
  const item = subscription.items.data[0];
  const customerId = idOf(subscription.customer);
  if (!customerId) throw new Error(`subscription ${subscription.id} has no customer`);
  return {
    id: subscription.id,
    customerId,
    status: subscription.status,
    priceId: item?.price.id,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    // Since API version 2025-03-31 the billing period is per item.
    currentPeriodEnd: item ? new Date(item.current_period_end * 1000) : null,
    userId: subscription.metadata["user_id"],
  };
}

/** What decides a plan, from each event type we handle; the rest carry nothing we read. */
function billingEventOf(event: Stripe.Event): BillingEvent {
  const base = { id: event.id, type: event.type };
  switch (event.type) {
    case "checkout.session.completed": {
      const session = event.data.object;
      return {
        ...base,
        customerId: idOf(session.customer),
        subscriptionId: idOf(session.subscription),
        userId: session.client_reference_id ?? undefined,
      };
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted": {
      const subscription = event.data.object;
      return { ...base, customerId: idOf(subscription.customer), subscriptionId: subscription.id, userId: undefined };
    }
    case "invoice.payment_failed": {
      const invoice = event.data.object;
      return {
        ...base,
        customerId: idOf(invoice.customer),
        subscriptionId: idOf(invoice.parent?.subscription_details?.subscription),
        userId: undefined,
      };
    }
    default:
      return { ...base, customerId: undefined, subscriptionId: undefined, userId: undefined };
  }
}

/** Stripe being down or slow is a 503 to retry; anything else (a bad price id) is ours to log. */
async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof Stripe.errors.StripeConnectionError ||
      error instanceof Stripe.errors.StripeAPIError ||
      error instanceof Stripe.errors.StripeRateLimitError
    ) {
      throw new OmnaraError("SERVICE_UNAVAILABLE", "Stripe could not be reached; try again in a moment.", {
        cause: error,
      });
    }
    throw error;
  }
}

/** The real `stripe` client behind the domain's BillingGateway. */
export function createStripeGateway(config: BillingConfig): BillingGateway {
  const stripe = new Stripe(config.secretKey, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    ...(config.api
      ? {
          host: config.api.host,
          ...(config.api.port ? { port: config.api.port } : {}),
          ...(config.api.protocol ? { protocol: config.api.protocol } : {}),
        }
      : {}),
  });
  return {
    createCustomer: ({ email, userId }) =>
      callStripe(async () => {
        const customer = await stripe.customers.create({ email, metadata: { user_id: userId } });
        return { id: customer.id };
      }),
    createCheckoutSession: (input) =>
      callStripe(async () => {
        const session = await stripe.checkout.sessions.create({
          mode: "subscription",
          customer: input.customerId,
          client_reference_id: input.userId,
          line_items: [{ price: input.priceId, quantity: 1 }],
          allow_promotion_codes: true,
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          subscription_data: { metadata: { user_id: input.userId } },
        });
        if (!session.url) throw new Error(`checkout session ${session.id} has no url`);
        return { url: session.url };
      }),
    createPortalSession: ({ customerId, returnUrl }) =>
      callStripe(async () => {
        const session = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
        return { url: session.url };
      }),
    retrieveSubscription: (id) =>
      callStripe(async () => {
        try {
          return subscriptionState(await stripe.subscriptions.retrieve(id));
        } catch (error) {
          if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "resource_missing") {
            return undefined;
          }
          throw error;
        }
      }),
    verifyWebhook: (rawBody, signature) =>
      billingEventOf(stripe.webhooks.constructEvent(rawBody, signature, config.webhookSecret)),
  };
}

export const billingDeps = (config: BillingConfig): BillingDeps => ({
  gateway: createStripeGateway(config),
  prices: config.prices,
  publicUrl: config.publicUrl,
});
