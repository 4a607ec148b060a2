import { CreditCard, Gauge } from "lucide-react";
import { Link } from "react-router";
import { errorMessage } from "../lib/trpc.ts";
import { useBilling, useBillingRedirects } from "./use-billing.ts";

/**
 * On the free plan: this month's usage, and at the limit the upgrade button. A failed payment
 * says so on any plan. Nothing at all on servers without billing.
 */
export function UsageBanner() {
  const billing = useBilling();
  const { checkout, portal } = useBillingRedirects();
  const data = billing.data;
  if (!data) return null;
  if (data.payment_failed) {
    return (
      <output className="banner" data-testid="payment-failed-banner">
        <CreditCard aria-hidden="true" />
        Your last payment failed. Update your card to keep your plan.
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => portal.mutate({})} disabled={portal.isPending}>
          Update payment
        </button>
      </output>
    );
  }
  if (data.limit === null) return null;
  const atLimit = data.used >= data.limit;
  return (
    <output className={`banner ${atLimit ? "" : "banner-quiet"}`} data-testid="usage-banner">
      <Gauge aria-hidden="true" />
      <span>
        {Math.min(data.used, data.limit)} of {data.limit} agent instances this month
        {atLimit ? ". Running ones keep working; new ones need Pro." : " on the Free plan."}
      </span>
      <span className="spacer" />
      {checkout.isError ? <span role="alert">{errorMessage(checkout.error)}</span> : null}
      {atLimit ? (
        <button
          type="button"
          className="btn btn-primary btn-small"
          onClick={() => checkout.mutate({ plan: "pro" })}
          disabled={checkout.isPending}
        >
          Upgrade to Pro
        </button>
      ) : (
        <Link to="/billing" className="btn btn-small">
          Plans
        </Link>
      )}
    </output>
  );
}
