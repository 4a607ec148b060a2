import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { plans } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { STRIPE_WEBHOOK_PATH } from "@omnara/http";
import { Omnara, PaymentRequiredError } from "@omnara/sdk";
import {
  deliverStripeEvent,
  describeEachDatabase,
  FakeStripe,
  newUserWithKey,
  rest,
  startTestServer,
  TEST_STRIPE_PRICE_PRO,
  TEST_STRIPE_SECRET_KEY,
  type TestServer,
} from "@omnara/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";

const LIMIT = plans.free.instancesPerMonth;
const PUBLIC_URL = "http://omnara.test";
const UPGRADE_URL = `${PUBLIC_URL}/billing`;
const planLimit = { limit: LIMIT, used: LIMIT, upgrade_url: UPGRADE_URL };

type User = Awaited<ReturnType<typeof newUserWithKey>>;

const CountRow = z.object({ n: z.number() });
/** postgres.js answers with the rows themselves. */
const LockCount = z.array(CountRow);

/** Waits for a condition with a deadline (no fixed sleeps). */
async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const message = (content: string, agent_instance_id = randomUUID()) => ({
  agent_instance_id,
  agent_type: "billing test",
  content,
});

describeEachDatabase("billing with Stripe", (kind) => {
  let stripe: FakeStripe;
  let server: TestServer;
  beforeAll(async () => {
    stripe = await FakeStripe.start();
    server = await startTestServer(kind, { env: stripe.env(PUBLIC_URL) });
  });
  afterAll(async () => {
    await server.close();
    await stripe.close();
  });

  /** A user who has started the whole free allowance this month; returns one of its instances. */
  async function atTheLimit(): Promise<{ alice: User; existing: string }> {
    const alice = await newUserWithKey(server.url, "limited");
    const ids = Array.from({ length: LIMIT }, () => randomUUID());
    for (const id of ids) await alice.agent.sendMessage.mutate(message("started", id));
    return { alice, existing: ids[0] ?? "" };
  }

  /** Backends of this server's database waiting on a row lock (Postgres only). */
  const lockWaits = async (): Promise<number> => {
    const result: unknown = await server.database.db.execute(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return LockCount.parse(result)[0]?.n ?? 0;
  };

  const billingEventRows = (id: string) =>
    server.database.db.select().from(schema.billingEvents).where(eq(schema.billingEvents.id, id));

  describe("over the limit, the same answer on every surface", () => {
    let alice: User;
    let existing: string;
    beforeAll(async () => {
      ({ alice, existing } = await atTheLimit());
    });

    test("REST: 402 {code, limit, used, upgrade_url} on the first message and on v1's register", async () => {
      const sent = await rest(server.url, "POST", "/api/v1/messages/agent", {
        token: alice.apiKey,
        body: message("one more"),
      });
      expect(sent.status).toBe(402);
      expect(sent.body).toMatchObject({ code: "PAYMENT_REQUIRED", ...planLimit, error: { code: "PAYMENT_REQUIRED" } });
      expect(sent.body.detail).toContain(UPGRADE_URL);
      const registered = await rest(server.url, "POST", "/api/v1/agent-instances", {
        token: alice.apiKey,
        body: { agent_type: "billing test" },
      });
      expect(registered.status).toBe(402);
      expect(registered.body).toMatchObject({ code: "PAYMENT_REQUIRED", ...planLimit });
    });

    test("existing instances keep working at the limit", async () => {
      const sent = await rest(server.url, "POST", "/api/v1/messages/agent", {
        token: alice.apiKey,
        body: { agent_instance_id: existing, content: "still going" },
      });
      expect(sent.status).toBe(200);
      const ended = await alice.agent.endSession.mutate({ agent_instance_id: existing });
      expect(ended.final_status).toBe("COMPLETED");
    });

    test("tRPC: code PAYMENT_REQUIRED, HTTP 402, limit, used and upgrade_url in data", async () => {
      await expect(alice.agent.sendMessage.mutate(message("one more"))).rejects.toMatchObject({
        data: { code: "PAYMENT_REQUIRED", httpStatus: 402, ...planLimit },
      });
    });

    test("MCP: a tool error PAYMENT_REQUIRED with the upgrade link and the numbers", async () => {
      const client = new Client({ name: "billing-test", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${alice.apiKey}` } },
        }),
      );
      try {
        const result = await client.callTool({ name: "log_step", arguments: { step_description: "one more" } });
        expect(result.isError).toBe(true);
        const text = JSON.stringify(result.content);
        expect(text).toContain("PAYMENT_REQUIRED");
        expect(text).toContain(UPGRADE_URL);
        expect(result.structuredContent).toMatchObject({ error: { code: "PAYMENT_REQUIRED", ...planLimit } });
      } finally {
        await client.close();
      }
    });

    test("SDK: a typed PaymentRequiredError with limit, used and upgradeUrl, not retried", async () => {
      let calls = 0;
      const counting: typeof fetch = (input, init) => {
        calls += 1;
        return fetch(input, init);
      };
      const omnara = new Omnara({ apiKey: alice.apiKey, baseUrl: server.url, fetch: counting });
      const error = await omnara.session({ agentType: "billing test" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaymentRequiredError);
      expect(error).toMatchObject({
        code: "PAYMENT_REQUIRED",
        status: 402,
        limit: LIMIT,
        used: LIMIT,
        upgradeUrl: UPGRADE_URL,
      });
      expect(String(error)).toContain(UPGRADE_URL);
      expect(calls).toBe(1);
    });

    test("the usage the dashboard shows", async () => {
      const billing = await alice.user.getBilling.query({});
      expect(billing).toMatchObject({
        plan: "free",
        limit: LIMIT,
        used: LIMIT,
        upgrade_url: UPGRADE_URL,
        subscription: null,
      });
      const viaRest = await rest(server.url, "GET", "/api/v1/billing", { token: alice.sessionToken });
      expect(viaRest.status).toBe(200);
      expect(viaRest.body).toMatchObject({ used: LIMIT, limit: LIMIT });
    });
  });

  test("Checkout and the portal: the real stripe client's requests carry the right parameters", async () => {
    const alice = await newUserWithKey(server.url, "buyer");
    // No customer yet: nothing to manage.
    await expect(alice.user.createPortalSession.mutate({})).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    const before = stripe.requests.length;
    const checkout = await rest(server.url, "POST", "/api/v1/billing/checkout", {
      token: alice.sessionToken,
      body: { plan: "pro" },
    });
    expect(checkout.status).toBe(200);
    expect(checkout.body["url"]).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    const calls = stripe.requests.slice(before);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /v1/customers", "POST /v1/checkout/sessions"]);
    const [customer, session] = calls;
    expect(customer?.headers.authorization).toBe(`Bearer ${TEST_STRIPE_SECRET_KEY}`);
    expect(customer?.form).toMatchObject({ email: alice.email, "metadata[user_id]": alice.userId });
    const [account] = await server.database.db
      .select()
      .from(schema.billingAccounts)
      .where(eq(schema.billingAccounts.userId, alice.userId));
    expect(account?.stripeCustomerId).toMatch(/^cus_test_/);
    expect(session?.form).toEqual({
      mode: "subscription",
      customer: account?.stripeCustomerId,
      client_reference_id: alice.userId,
      "line_items[0][price]": TEST_STRIPE_PRICE_PRO,
      "line_items[0][quantity]": "1",
      allow_promotion_codes: "true",
      success_url: `${PUBLIC_URL}/billing?checkout=success`,
      cancel_url: `${PUBLIC_URL}/billing?checkout=cancelled`,
      "subscription_data[metadata][user_id]": alice.userId,
    });
    // Stripe's idempotency keys on every POST (the library's retries are safe).
    expect(session?.headers["idempotency-key"]).toBeTruthy();

    // A second checkout (a double click, or coming back) reuses the customer.
    const again = stripe.requests.length;
    await alice.user.createCheckoutSession.mutate({});
    expect(stripe.requests.slice(again).map((c) => c.path)).toEqual(["/v1/checkout/sessions"]);

    const portal = await alice.user.createPortalSession.mutate({});
    expect(portal.url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\//);
    expect(stripe.requests.at(-1)).toMatchObject({
      path: "/v1/billing_portal/sessions",
      form: { customer: account?.stripeCustomerId, return_url: `${PUBLIC_URL}/billing` },
    });
  });

  describe("webhooks", () => {
    let alice: User;
    let customer: string;
    // Each subscription Stripe creates has a new id; a canceled one never comes back.
    let subscriptionId = "";
    const newSubscription = () => {
      subscriptionId = `sub_${randomUUID().slice(0, 8)}`;
    };
    beforeAll(async () => {
      ({ alice } = await atTheLimit());
      await alice.user.createCheckoutSession.mutate({});
      const [account] = await server.database.db
        .select()
        .from(schema.billingAccounts)
        .where(eq(schema.billingAccounts.userId, alice.userId));
      customer = account?.stripeCustomerId ?? "";
      newSubscription();
    });

    const setSubscription = (status: string, extra: { cancelAtPeriodEnd?: boolean; currentPeriodEnd?: number } = {}) =>
      stripe.subscriptions.set(subscriptionId, {
        id: subscriptionId,
        customer,
        status,
        priceId: TEST_STRIPE_PRICE_PRO,
        userId: alice.userId,
        ...extra,
      });
    const subscriptionPayload = (status: string, cancel_at_period_end = false) => ({
      id: subscriptionId,
      object: "subscription",
      customer,
      status,
      cancel_at_period_end,
    });

    test("a bad signature is 400 and changes nothing", async () => {
      setSubscription("active");
      const object = {
        id: "cs_forged",
        object: "checkout.session",
        customer,
        subscription: subscriptionId,
        client_reference_id: alice.userId,
      };
      const forged = stripe.signedEvent("checkout.session.completed", object, "whsec_someone_else");
      expect((await deliverStripeEvent(server.url, forged)).status).toBe(400);
      const genuine = stripe.signedEvent("checkout.session.completed", object);
      const tampered = { ...genuine, payload: genuine.payload.replace(alice.userId, randomUUID()) };
      expect((await deliverStripeEvent(server.url, tampered)).status).toBe(400);
      const unsigned = await fetch(`${server.url}${STRIPE_WEBHOOK_PATH}`, { method: "POST", body: genuine.payload });
      expect(unsigned.status).toBe(400);
      expect(await billingEventRows(JSON.parse(forged.payload).id)).toHaveLength(0);
      expect(await billingEventRows(JSON.parse(genuine.payload).id)).toHaveLength(0);
      expect((await alice.user.getBilling.query({})).plan).toBe("free");
    });

    test("checkout.session.completed delivered twice at once and again later changes the plan once", async () => {
      setSubscription("active");
      const event = stripe.signedEvent("checkout.session.completed", {
        id: "cs_paid",
        object: "checkout.session",
        mode: "subscription",
        customer,
        subscription: subscriptionId,
        client_reference_id: alice.userId,
      });
      const retrievals = () => stripe.requestsTo("GET", `/v1/subscriptions/${subscriptionId}`).length;
      const before = retrievals();
      const concurrent = await Promise.all([
        deliverStripeEvent(server.url, event),
        deliverStripeEvent(server.url, event),
      ]);
      const later = await deliverStripeEvent(server.url, event);
      const answers = [...concurrent, later];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const outcomes = answers.map((a) => (a.body as { outcome: string }).outcome).sort();
      expect(outcomes).toEqual(["applied", "duplicate", "duplicate"]);
      expect(retrievals() - before).toBe(1);
      expect(await billingEventRows(JSON.parse(event.payload).id)).toMatchObject([
        { type: "checkout.session.completed", userId: alice.userId },
      ]);
      const billing = await alice.user.getBilling.query({});
      expect(billing).toMatchObject({ plan: "pro", limit: null, used: LIMIT, subscription: { status: "active" } });
      // Pro: past the free limit.
      await alice.agent.sendMessage.mutate(message("the eleventh"));
    });

    test("cancel at period end and a failed payment show; the plan stays until the end", async () => {
      const periodEnd = Math.floor(Date.now() / 1000) + 10 * 86_400;
      setSubscription("active", { cancelAtPeriodEnd: true, currentPeriodEnd: periodEnd });
      const updated = stripe.signedEvent("customer.subscription.updated", subscriptionPayload("active", true));
      expect((await deliverStripeEvent(server.url, updated)).status).toBe(200);
      expect(await alice.user.getBilling.query({})).toMatchObject({
        plan: "pro",
        payment_failed: false,
        subscription: {
          cancel_at_period_end: true,
          current_period_end: new Date(periodEnd * 1000).toISOString(),
        },
      });
      setSubscription("past_due", { cancelAtPeriodEnd: true, currentPeriodEnd: periodEnd });
      const failed = stripe.signedEvent("invoice.payment_failed", {
        id: "in_1",
        object: "invoice",
        customer,
        parent: { type: "subscription_details", subscription_details: { subscription: subscriptionId } },
      });
      expect((await deliverStripeEvent(server.url, failed)).status).toBe(200);
      expect(await alice.user.getBilling.query({})).toMatchObject({
        plan: "pro",
        payment_failed: true,
        subscription: { status: "past_due" },
      });
    });

    test("out of order: a stale update after the deletion ends canceled, on the free plan", async () => {
      // Stripe has ended the subscription; its deletion arrives before an older update.
      setSubscription("canceled");
      const deleted = stripe.signedEvent("customer.subscription.deleted", subscriptionPayload("canceled"));
      const staleUpdate = stripe.signedEvent("customer.subscription.updated", subscriptionPayload("active"));
      expect((await deliverStripeEvent(server.url, deleted)).status).toBe(200);
      expect((await deliverStripeEvent(server.url, staleUpdate)).status).toBe(200);
      expect(await alice.user.getBilling.query({})).toMatchObject({
        plan: "free",
        limit: LIMIT,
        payment_failed: false,
        subscription: { status: "canceled" },
      });
      await expect(alice.agent.sendMessage.mutate(message("over again"))).rejects.toMatchObject({
        data: { code: "PAYMENT_REQUIRED", used: LIMIT + 1 },
      });
    });

    test("an update delivered concurrently with the deletion ends canceled either way, 20 rounds", async () => {
      for (let round = 0; round < 20; round += 1) {
        newSubscription();
        setSubscription("active");
        const created = stripe.signedEvent("customer.subscription.created", subscriptionPayload("active"));
        expect((await deliverStripeEvent(server.url, created)).status).toBe(200);
        expect((await alice.user.getBilling.query({})).plan).toBe("pro");
        // Stripe cancels; both events are in flight together, in either order.
        setSubscription("canceled");
        const events = [
          stripe.signedEvent("customer.subscription.updated", subscriptionPayload("active", true)),
          stripe.signedEvent("customer.subscription.deleted", subscriptionPayload("canceled")),
        ];
        if (round % 2) events.reverse();
        const answers = await Promise.all(events.map((e) => deliverStripeEvent(server.url, e)));
        expect(answers.map((a) => a.status)).toEqual([200, 200]);
        expect(await alice.user.getBilling.query({})).toMatchObject({
          plan: "free",
          subscription: { status: "canceled" },
        });
      }
    });

    test("an event about a subscription Stripe does not have is acknowledged and changes nothing", async () => {
      const before = await alice.user.getBilling.query({});
      const event = stripe.signedEvent("customer.subscription.updated", {
        id: "sub_unknown",
        object: "subscription",
        customer,
        status: "active",
      });
      expect(await deliverStripeEvent(server.url, event)).toMatchObject({ status: 200, body: { outcome: "ignored" } });
      expect(await alice.user.getBilling.query({})).toEqual(before);
      expect(server.loggedErrors).toEqual([]);
    });

    test("a slow, stale retrieval does not win over a later deletion (the account row serializes them)", async () => {
      newSubscription();
      setSubscription("active");
      const created = stripe.signedEvent("customer.subscription.created", subscriptionPayload("active"));
      expect((await deliverStripeEvent(server.url, created)).status).toBe(200);
      const retrievals = () => stripe.requestsTo("GET", `/v1/subscriptions/${subscriptionId}`).length;
      // The update's retrieval reads "active", then hangs; meanwhile Stripe cancels and says so.
      let release = () => {};
      stripe.holdRetrievals = new Promise<void>((resolve) => {
        release = resolve;
      });
      const before = retrievals();
      const update = deliverStripeEvent(
        server.url,
        stripe.signedEvent("customer.subscription.updated", subscriptionPayload("active", true)),
      );
      await waitUntil(() => retrievals() > before);
      stripe.holdRetrievals = undefined;
      setSubscription("canceled");
      const deletion = deliverStripeEvent(
        server.url,
        stripe.signedEvent("customer.subscription.deleted", subscriptionPayload("canceled")),
      );
      // On Postgres the deletion waits on the account's row lock, which the update holds.
      if (kind === "postgres") await waitUntil(async () => (await lockWaits()) > 0);
      release();
      const answers = await Promise.all([update, deletion]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(await alice.user.getBilling.query({})).toMatchObject({
        plan: "free",
        subscription: { status: "canceled" },
      });
    });

    test("Stripe unreachable: the webhook is a 503 and stores nothing, so Stripe's retry applies it", async () => {
      newSubscription();
      setSubscription("active");
      const event = stripe.signedEvent("customer.subscription.updated", subscriptionPayload("active"));
      stripe.failWith = 500;
      try {
        const refused = await deliverStripeEvent(server.url, event);
        expect(refused.status).toBe(503);
        expect(refused.body).toMatchObject({ error: { code: "SERVICE_UNAVAILABLE" } });
        expect(await billingEventRows(JSON.parse(event.payload).id)).toHaveLength(0);
        await expect(alice.user.createCheckoutSession.mutate({})).rejects.toMatchObject({
          data: { code: "SERVICE_UNAVAILABLE" },
        });
      } finally {
        stripe.failWith = undefined;
      }
      const retried = await deliverStripeEvent(server.url, event);
      expect(retried).toMatchObject({ status: 200, body: { outcome: "applied" } });
      expect((await alice.user.getBilling.query({})).plan).toBe("pro");
      expect(server.loggedErrors).toEqual([]);
    });
  });
});

describe("billing off (no STRIPE_SECRET_KEY)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite");
  });
  afterAll(() => server.close());

  test("no route, no limit", async () => {
    const alice = await newUserWithKey(server.url, "self-hosted");
    for (let i = 0; i <= LIMIT + 2; i += 1) await alice.agent.sendMessage.mutate(message(`run ${i}`));
    expect((await rest(server.url, "GET", "/api/v1/billing", { token: alice.sessionToken })).status).toBe(404);
    expect((await rest(server.url, "POST", "/api/v1/billing/checkout", { token: alice.sessionToken })).status).toBe(
      404,
    );
    const webhook = await fetch(`${server.url}${STRIPE_WEBHOOK_PATH}`, { method: "POST", body: "{}" });
    expect(webhook.status).toBe(404);
    await expect(alice.user.getBilling.query({})).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    const doc = await rest(server.url, "GET", "/openapi.json");
    expect(Object.keys(doc.body["paths"] as object).filter((path) => path.includes("billing"))).toEqual([]);
  });
});
