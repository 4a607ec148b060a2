export {
  type Dispatcher,
  type DispatcherOptions,
  startDispatcher,
  WEBHOOK_RETRY_DELAYS_MS,
  WEBHOOK_TIMEOUT_MS,
  type WebhookDispatchOptions,
} from "./dispatcher.ts";
export { createMailer, type Mail } from "./mailer.ts";
export { type ApnsOptions, createApnsProvider } from "./providers/apns.ts";
export { createEmailProvider, type EmailOptions } from "./providers/email.ts";
export { createFcmProvider, type FcmOptions } from "./providers/fcm.ts";
export { createProviders, type ProviderSetup } from "./providers/from-config.ts";
export type { DeliveryTarget, Provider, Providers, SendResult, WebPushProvider } from "./providers/provider.ts";
export { createWebPushProvider, type WebPushOptions } from "./providers/web-push.ts";
export { loadOrCreateVapidKeys, type VapidKeys } from "./vapid-keys.ts";
export { isPrivateAddress } from "./webhooks/address-guard.ts";
export {
  excerptBytes,
  type PostOptions,
  type PostResult,
  postWebhook,
  type WebhookRequest,
} from "./webhooks/post-webhook.ts";
export { signatureHeader, signWebhook, verifyWebhookSignature } from "./webhooks/signature.ts";
