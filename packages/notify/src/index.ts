export { type Dispatcher, type DispatcherOptions, startDispatcher } from "./dispatcher.ts";
export { type ApnsOptions, createApnsProvider } from "./providers/apns.ts";
export { createEmailProvider, type EmailOptions } from "./providers/email.ts";
export { createFcmProvider, type FcmOptions } from "./providers/fcm.ts";
export { createProviders, type ProviderSetup } from "./providers/from-config.ts";
export type { DeliveryTarget, Provider, Providers, SendResult, WebPushProvider } from "./providers/provider.ts";
export { createWebPushProvider, type WebPushOptions } from "./providers/web-push.ts";
export { loadOrCreateVapidKeys, type VapidKeys } from "./vapid-keys.ts";
