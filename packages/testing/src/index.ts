export type { NotificationOptions } from "@omnara/server";
export { busSubscriptions, instanceTopic } from "./bus-subscriptions.ts";
export { type ChildServer, startChildServer } from "./child-server.ts";
export {
  agentClient,
  batchedUserClient,
  newUserWithKey,
  publicClient,
  type RestResponse,
  rest,
  userClient,
} from "./clients.ts";
export { type CountingProxy, startCountingProxy, type WireEvent } from "./counting-proxy.ts";
export { createTestDatabase, type DatabaseKind, describeEachDatabase, type TestDatabase } from "./databases.ts";
export { inheritedEnv, testEnv } from "./env.ts";
export { eventually, LIVE_WITHIN_MS } from "./eventually.ts";
export {
  deliverStripeEvent,
  FakeStripe,
  type FakeSubscription,
  type StripeRequest,
  subscriptionObject,
  TEST_STRIPE_PRICE_PRO,
  TEST_STRIPE_SECRET_KEY,
  TEST_STRIPE_WEBHOOK_SECRET,
} from "./fake-stripe.ts";
export { FakeSupabase, type FakeSupabaseUser, type FakeTokenOverrides } from "./fake-supabase.ts";
export { freePort } from "./free-port.ts";
export { type HeavyUserOptions, seedHeavyUser } from "./heavy-user.ts";
export { newMachine } from "./machines.ts";
export { type ResettingProxy, startResettingProxy } from "./resetting-proxy.ts";
export { type RestartableTestServer, startRestartableTestServer } from "./restartable-server.ts";
export { startTestServer, type TestServer, type TestServerOptions } from "./server.ts";
export {
  postgresBinDir,
  startThrowawayPostgres,
  type ThrowawayPostgres,
  throwawayPostgresUnavailable,
} from "./throwaway-postgres.ts";
export { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";
