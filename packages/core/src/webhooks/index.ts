export { listWebhookDeliveries, replayWebhookDelivery } from "./deliveries.ts";
export { createWebhook, deleteWebhook, listWebhooks, sendTestWebhook, updateWebhook } from "./endpoints.ts";
export { getWebhookSigningSecret, rotateWebhookSigningSecret } from "./signing-secret.ts";
