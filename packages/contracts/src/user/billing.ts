import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { PaidPlanId, PlanId } from "../plans.ts";
import { IsoDateTime } from "../schemas.ts";

export const Subscription = z.object({
  plan: PlanId,
  /** Stripe's subscription status: active, trialing, past_due, canceled, unpaid, … */
  status: z.string(),
  /** The subscription ends at current_period_end instead of renewing. */
  cancel_at_period_end: z.boolean(),
  current_period_end: IsoDateTime.nullable(),
});

export const BillingOverview = z.object({
  plan: PlanId,
  /** New instances allowed per calendar month (UTC); null: unlimited. */
  limit: z.number().int().nullable(),
  /** Instances started this month. */
  used: z.number().int(),
  period_start: IsoDateTime,
  period_end: IsoDateTime,
  subscription: Subscription.nullable(),
  /** The last invoice failed and Stripe is retrying; the plan stays until the subscription ends. */
  payment_failed: z.boolean(),
  upgrade_url: z.string(),
});
export type BillingOverview = z.infer<typeof BillingOverview>;

const RedirectUrl = z.object({ url: z.string() });

export const getBilling = defineOperation({
  id: "getBilling",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The user's plan, this month's usage against its limit, and the subscription (status, whether it cancels at the period's end). Only on servers with billing configured.",
  input: z.object({}),
  output: BillingOverview,
  rest: { method: "GET", path: "/api/v1/billing" },
});

export const createCheckoutSession = defineOperation({
  id: "createCheckoutSession",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Start a Stripe Checkout for a paid plan; open url to pay. Promotion codes are accepted there. The plan changes when Stripe confirms the payment.",
  input: z.object({ plan: PaidPlanId.default("pro") }),
  output: RedirectUrl,
  rest: { method: "POST", path: "/api/v1/billing/checkout" },
});

export const createPortalSession = defineOperation({
  id: "createPortalSession",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Open Stripe's billing portal to change the card, see invoices or cancel; open url. Needs a subscription bought through Checkout first.",
  input: z.object({}),
  output: RedirectUrl,
  rest: { method: "POST", path: "/api/v1/billing/portal" },
});

/** The operations that exist only when the server has billing configured. */
export const billingOperationIds: ReadonlySet<string> = new Set([
  getBilling.id,
  createCheckoutSession.id,
  createPortalSession.id,
]);
