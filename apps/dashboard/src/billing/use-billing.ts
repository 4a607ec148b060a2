import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "../lib/trpc.ts";

/**
 * The plan and this month's usage; undefined while loading and on servers without billing
 * (their getBilling is NOT_FOUND, which is not retried). Refetched when the instance count
 * changes, so the usage follows new instances live.
 */
export function useBilling(options: { pollUntilPaid?: boolean } = {}) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.getSummary.queryOptions({}));
  const billing = useQuery({
    ...trpc.getBilling.queryOptions({}),
    // Back from Checkout, the plan changes when Stripe's webhook arrives: look again until then.
    refetchInterval: (query) => (options.pollUntilPaid && query.state.data?.plan === "free" ? 2_000 : false),
  });
  const total = summary.data?.total_instances;
  const { refetch } = billing;
  const on = billing.data !== undefined;
  useEffect(() => {
    if (on && total !== undefined) void refetch();
  }, [on, total, refetch]);
  return billing;
}

/** Checkout and the portal are Stripe's pages: the browser goes there. */
export function useBillingRedirects() {
  const trpc = useTRPC();
  const go = ({ url }: { url: string }) => window.location.assign(url);
  const checkout = useMutation(trpc.createCheckoutSession.mutationOptions({ onSuccess: go }));
  const portal = useMutation(trpc.createPortalSession.mutationOptions({ onSuccess: go }));
  return { checkout, portal };
}
