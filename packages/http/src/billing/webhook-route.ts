import { applyBillingEvent, type BillingDeps, type CoreDeps } from "@omnara/core";
import express, { Router } from "express";
import { sendError, sendThrown } from "../errors.ts";

/** Where Stripe delivers events; configure this path on the webhook endpoint in Stripe. */
export const STRIPE_WEBHOOK_PATH = "/api/billing/stripe-webhook";

// Stripe's events are a few KB; a cap keeps an unsigned flood cheap.
const MAX_EVENT_BYTES = 512 * 1024;

/**
 * Stripe's webhook: the signature is checked over the raw bytes (a parsed and re-serialized
 * body would not match), then the event is applied once by its id. A bad signature is a 400
 * that changes nothing; a failure to reach Stripe is a 503, which Stripe retries.
 */
export function stripeWebhookRoute(deps: CoreDeps, billing: BillingDeps, log: (error: unknown) => void): Router {
  const router = Router();
  router.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_EVENT_BYTES }), async (req, res) => {
    const signature = req.headers["stripe-signature"];
    if (typeof signature !== "string" || !Buffer.isBuffer(req.body)) {
      return sendError(res, "BAD_REQUEST", "Missing Stripe-Signature header or body.");
    }
    let event: ReturnType<BillingDeps["gateway"]["verifyWebhook"]>;
    try {
      event = billing.gateway.verifyWebhook(req.body, signature);
    } catch {
      return sendError(res, "BAD_REQUEST", "The Stripe signature does not match this body and webhook secret.");
    }
    try {
      const outcome = await applyBillingEvent(deps, event);
      res.json({ received: true, outcome });
    } catch (error) {
      sendThrown(res, error, log);
    }
  });
  return router;
}
