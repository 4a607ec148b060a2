export { DataDirInUseError } from "@omnara/db";
export { type AppOptions, createApp } from "./app.ts";
export { billingDeps } from "./billing/stripe-gateway.ts";
export { STRIPE_WEBHOOK_PATH } from "./billing/webhook-route.ts";
export { openApiDocument } from "./openapi.ts";
export { type NotificationOptions, type RunningServer, type StartOptions, startServer } from "./start-server.ts";
