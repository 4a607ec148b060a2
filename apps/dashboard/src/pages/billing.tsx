import { plans } from "@omnara/contracts";
import { useSearchParams } from "react-router";
import { useBilling, useBillingRedirects } from "../billing/use-billing.ts";
import { Loading, NotFound } from "../components/states.tsx";
import { fullDate } from "../lib/format-time.ts";
import { errorCode, errorMessage } from "../lib/trpc.ts";

export default function BillingPage() {
  const [params] = useSearchParams();
  const returned = params.get("checkout");
  const billing = useBilling({ pollUntilPaid: returned === "success" });
  const { checkout, portal } = useBillingRedirects();
  if (billing.isPending) return <Loading />;
  if (errorCode(billing.error) === "NOT_FOUND") return <NotFound />;
  if (!billing.data) return <p role="alert">{errorMessage(billing.error)}</p>;
  const data = billing.data;
  const subscription = data.subscription;
  const live = subscription !== null && subscription.status !== "canceled";
  const failure = checkout.error ?? portal.error;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Billing</h1>
          <p className="subtle">
            {fullDate(data.period_start)} – {fullDate(data.period_end)}
          </p>
        </div>
      </div>
      {returned === "success" && data.plan === "free" ? (
        <output className="card" data-testid="checkout-pending">
          Payment received. Your plan changes as soon as Stripe confirms it…
        </output>
      ) : null}
      {returned === "cancelled" ? <output className="card">Checkout cancelled; nothing was charged.</output> : null}
      <div className="card">
        <dl className="settings-list">
          <div>
            <dt>Plan</dt>
            <dd data-testid="billing-plan">{plans[data.plan].name}</dd>
          </div>
          <div>
            <dt>This month</dt>
            <dd data-testid="billing-usage">
              {data.limit === null
                ? `${data.used} agent instances (unlimited)`
                : `${data.used} of ${data.limit} agent instances`}
            </dd>
          </div>
          {subscription ? (
            <div>
              <dt>Subscription</dt>
              <dd data-testid="billing-subscription">
                {subscription.cancel_at_period_end && subscription.current_period_end
                  ? `Cancels at the end of the period: ${plans[subscription.plan].name} ends on ${fullDate(subscription.current_period_end)} and does not renew.`
                  : subscription.status === "canceled"
                    ? "Canceled."
                    : subscription.current_period_end
                      ? `${subscription.status === "active" ? "Renews" : `${subscription.status}; renews`} on ${fullDate(subscription.current_period_end)}.`
                      : subscription.status}
              </dd>
            </div>
          ) : null}
          {data.payment_failed ? (
            <div>
              <dt>Payment</dt>
              <dd role="alert">The last payment failed; update your card in the billing portal.</dd>
            </div>
          ) : null}
        </dl>
      </div>
      <div className="page-actions">
        {data.plan === "free" && !live ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => checkout.mutate({ plan: "pro" })}
            disabled={checkout.isPending}
          >
            Upgrade to Pro — unlimited instances
          </button>
        ) : null}
        {subscription ? (
          <button type="button" className="btn" onClick={() => portal.mutate({})} disabled={portal.isPending}>
            Manage billing
          </button>
        ) : null}
      </div>
      {failure ? <p role="alert">{errorMessage(failure)}</p> : null}
    </>
  );
}
