import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/** One API call the real `stripe` client made, with its form body decoded to flat keys. */
export interface StripeRequest {
  method: string;
  path: string;
  /** e.g. `line_items[0][price]` → `price_pro`, as Stripe's form encoding names them. */
  form: Record<string, string>;
  headers: IncomingMessage["headers"];
}

/** The parts of a subscription a test sets; the fake serves it as Stripe's API object. */
export interface FakeSubscription {
  id: string;
  customer: string;
  status: string;
  priceId: string;
  cancelAtPeriodEnd?: boolean;
  currentPeriodEnd?: number;
  userId?: string;
}

export const TEST_STRIPE_SECRET_KEY = "sk_test_omnara";
export const TEST_STRIPE_WEBHOOK_SECRET = "whsec_test_omnara";
export const TEST_STRIPE_PRICE_PRO = "price_test_pro";

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
};

/**
 * A local HTTP server standing in for api.stripe.com: the real `stripe` library is pointed at
 * it with its host/port/protocol options (STRIPE_API_HOST …), so the requests the library
 * builds are the ones asserted. It answers the calls Omnara makes with Stripe's object shapes.
 */
export class FakeStripe implements AsyncDisposable {
  readonly requests: StripeRequest[] = [];
  readonly subscriptions = new Map<string, FakeSubscription>();
  /** Answer every call with this HTTP status (e.g. 500: Stripe failing) while set. */
  failWith: number | undefined;
  /**
   * While set, a subscription is read when its request arrives but answered only when this
   * settles: a slow Stripe whose answer is stale by the time it lands.
   */
  holdRetrievals: Promise<void> | undefined;
  #counter = 0;
  #server: Server;
  port = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(
        ({ status, body }) => {
          res.writeHead(status, { "content-type": "application/json", "request-id": `req_${this.#counter}` });
          res.end(JSON.stringify(body));
        },
        (error: unknown) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { type: "api_error", message: String(error) } }));
        },
      );
    });
  }

  static async start(): Promise<FakeStripe> {
    const fake = new FakeStripe();
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  /** The server variables that turn billing on and point the Stripe client here. */
  env(publicUrl = "http://omnara.test"): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: TEST_STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: TEST_STRIPE_WEBHOOK_SECRET,
      STRIPE_PRICE_PRO: TEST_STRIPE_PRICE_PRO,
      STRIPE_API_HOST: "127.0.0.1",
      STRIPE_API_PORT: String(this.port),
      STRIPE_API_PROTOCOL: "http",
      OMNARA_PUBLIC_URL: publicUrl,
    };
  }

  requestsTo(method: string, path: string): StripeRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  #id(prefix: string): string {
    this.#counter += 1;
    return `${prefix}_test_${this.#counter}`;
  }

  async #handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    const form = Object.fromEntries(new URLSearchParams(raw));
    this.requests.push({ method: req.method ?? "GET", path: url.pathname, form, headers: req.headers });
    if (this.failWith) return { status: this.failWith, body: { error: { type: "api_error", message: "down" } } };
    const route = `${req.method} ${url.pathname}`;
    if (route === "POST /v1/customers") {
      return {
        status: 200,
        body: { id: this.#id("cus"), object: "customer", email: form["email"] ?? null, metadata: {} },
      };
    }
    if (route === "POST /v1/checkout/sessions") {
      const id = this.#id("cs");
      return {
        status: 200,
        body: { id, object: "checkout.session", url: `https://checkout.stripe.test/c/pay/${id}`, mode: "subscription" },
      };
    }
    if (route === "POST /v1/billing_portal/sessions") {
      const id = this.#id("bps");
      return {
        status: 200,
        body: { id, object: "billing_portal.session", url: `https://billing.stripe.test/p/session/${id}` },
      };
    }
    const subscription = /^GET \/v1\/subscriptions\/([\w-]+)$/.exec(route);
    if (subscription?.[1]) {
      const found = this.subscriptions.get(subscription[1]);
      const snapshot = found ? subscriptionObject(found) : undefined;
      if (this.holdRetrievals) await this.holdRetrievals;
      if (!snapshot) {
        return {
          status: 404,
          body: { error: { type: "invalid_request_error", code: "resource_missing", message: "No such subscription" } },
        };
      }
      return { status: 200, body: snapshot };
    }
    return { status: 404, body: { error: { type: "invalid_request_error", message: `No route ${route}` } } };
  }

  /** An event as Stripe delivers it: the JSON body and its Stripe-Signature header. */
  signedEvent(type: string, object: Record<string, unknown>, secret = TEST_STRIPE_WEBHOOK_SECRET) {
    const payload = JSON.stringify({
      id: this.#id("evt"),
      object: "event",
      type,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object },
    });
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Stripe's Subscription object (API 2025-03-31 and later: the period is on the item). */
export function subscriptionObject(s: FakeSubscription): Record<string, unknown> {
  const periodEnd = s.currentPeriodEnd ?? Math.floor(Date.now() / 1000) + 30 * 86_400;
  return {
    id: s.id,
    object: "subscription",
    customer: s.customer,
    status: s.status,
    cancel_at_period_end: s.cancelAtPeriodEnd ?? false,
    metadata: s.userId ? { user_id: s.userId } : {},
    items: {
      object: "list",
      data: [
        {
          id: `si_${s.id}`,
          object: "subscription_item",
          price: { id: s.priceId, object: "price" },
          current_period_end: periodEnd,
          current_period_start: periodEnd - 30 * 86_400,
        },
      ],
    },
  };
}

/** Delivers a signed event to the server's webhook, as Stripe does. */
export async function deliverStripeEvent(
  baseUrl: string,
  event: { payload: string; signature: string },
  path = "/api/billing/stripe-webhook",
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": event.signature },
    body: event.payload,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
