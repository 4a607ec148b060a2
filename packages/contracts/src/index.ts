export { agentOperations } from "./agent/index.ts";
export {
  type AgentApi,
  type AgentOperationKey,
  agentApiOf,
  agentOperationKeys,
  type CallAgentOperation,
  type CallOptions,
} from "./agent-api.ts";
export * from "./errors.ts";
export * from "./limits.ts";
export * from "./notifications.ts";
export { OmnaraError, type OmnaraErrorDetails } from "./omnara-error.ts";
export * from "./operation.ts";
export * from "./plans.ts";
export { publicOperations } from "./public/index.ts";
export * from "./registry.ts";
export { retryClassOf, waitSecondsOf } from "./retry.ts";
export * from "./schemas.ts";
export { User } from "./user/account.ts";
export { ApiKeyInfo } from "./user/api-keys.ts";
export { BillingOverview, billingOperationIds, Subscription } from "./user/billing.ts";
export { EventId, UserEvent } from "./user/events.ts";
export { InstanceDetail } from "./user/get-instance.ts";
export { userOperations } from "./user/index.ts";
export { AgentTypeOverview } from "./user/list-agent-types.ts";
export { WebPushSubscription } from "./user/notification-devices.ts";
export { NotificationSettings } from "./user/notification-settings.ts";
export { InstanceShare } from "./user/shares.ts";
export { v1Operations } from "./v1/index.ts";
export * from "./v1/schemas.ts";
export * from "./webhooks.ts";
