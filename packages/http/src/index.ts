export { type AppOptions, createApp } from "./app.ts";
export { billingDeps } from "./billing/stripe-gateway.ts";
export { STRIPE_WEBHOOK_PATH } from "./billing/webhook-route.ts";
export { createHttpServer, type HttpServerOptions } from "./http-server.ts";
export { openApiDocument } from "./openapi.ts";
export { redactForLog } from "./redact-for-log.ts";
