import { z } from "zod";

/** Stripe's variables. Billing is off until STRIPE_SECRET_KEY is set: self-hosters are never limited. */
export const BillingEnv = {
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** The signing secret of the webhook endpoint (whsec_…), from Stripe's dashboard or `stripe listen`. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The recurring price of the Pro plan (price_…). */
  STRIPE_PRICE_PRO: z.string().min(1).optional(),
  /**
   * Where the Stripe client sends API calls instead of api.stripe.com (stripe-mock, a test
   * server): host, port and protocol, as the stripe library's options of those names.
   */
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(["http", "https"]).optional(),
};

const BillingEnvSchema = z.object(BillingEnv);
type BillingEnvValues = z.output<typeof BillingEnvSchema>;

export interface BillingConfig {
  secretKey: string;
  webhookSecret: string;
  /** Stripe price id of each paid plan. */
  prices: { pro: string };
  /** Checkout's return URLs and the upgrade link are built on it. */
  publicUrl: string;
  /** Set only to point the client somewhere other than api.stripe.com. */
  api: { host: string; port: number | undefined; protocol: "http" | "https" | undefined } | undefined;
}

export function billingConfig(
  env: BillingEnvValues,
  publicUrl: string | undefined,
  fail: (message: string) => Error,
): BillingConfig | undefined {
  if (!env.STRIPE_SECRET_KEY) return undefined;
  const missing = [
    env.STRIPE_WEBHOOK_SECRET ? undefined : "STRIPE_WEBHOOK_SECRET",
    env.STRIPE_PRICE_PRO ? undefined : "STRIPE_PRICE_PRO",
    publicUrl ? undefined : "OMNARA_PUBLIC_URL",
  ].filter((name) => name !== undefined);
  if (!env.STRIPE_WEBHOOK_SECRET || !env.STRIPE_PRICE_PRO || !publicUrl) {
    throw fail(`STRIPE_SECRET_KEY is set, so billing is on; it also needs ${missing.join(", ")}.`);
  }
  return {
    secretKey: env.STRIPE_SECRET_KEY,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    prices: { pro: env.STRIPE_PRICE_PRO },
    publicUrl: publicUrl.replace(/\/+$/, ""),
    api: env.STRIPE_API_HOST
      ? { host: env.STRIPE_API_HOST, port: env.STRIPE_API_PORT, protocol: env.STRIPE_API_PROTOCOL }
      : undefined,
  };
}
