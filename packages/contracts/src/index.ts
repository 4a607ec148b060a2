export { agentOperations } from "./agent/index.ts";
export { Control } from "./agent/wait-for-control.ts";
export {
  type AgentApi,
  type AgentOperationKey,
  agentApiOf,
  agentOperationKeys,
  type CallAgentOperation,
  type CallOptions,
} from "./agent-api.ts";
export {
  type ClientErrorCode,
  ErrorBody,
  type ErrorCode,
  ErrorData,
  errorCodes,
  FieldIssue,
  isErrorCode,
  type OmnaraErrorCode,
} from "./errors.ts";
export { limits, OFFLINE_AFTER_MS } from "./limits.ts";
export {
  BranchName,
  Machine,
  MachineAgent,
  MachineCommand,
  MachineProject,
  MachineProjectSpec,
  MachineRequest,
  MachineSession,
  MachineSessionState,
  MachineStatus,
  ProjectPath,
} from "./machines.ts";
export {
  ClockTime,
  NotificationChannel,
  NotificationDevice,
  NotificationEvent,
  NotificationLogEntry,
  NotificationOutcome,
  notificationChannels,
  notificationEvents,
  notificationOutcomes,
  PushChannel,
  pushChannels,
  QuietHours,
  TimeZone,
} from "./notifications.ts";
export { OmnaraError, type OmnaraErrorDetails } from "./omnara-error.ts";
export {
  type Access,
  type Audience,
  defineOperation,
  type HttpMethod,
  hasInputField,
  type InstanceRole,
  instanceRoles,
  type McpBinding,
  type McpContextField,
  type Operation,
  type OperationArgs,
  type OperationInput,
  type OperationKind,
  type OperationOutput,
  type RestBinding,
  type RetryClass,
  type RetryRule,
  teamRoles,
} from "./operation.ts";
export { PaidPlanId, PlanId, PlanLimit, paidPlanIds, planIds, planLimitMessage, plans } from "./plans.ts";
export { publicOperations } from "./public/index.ts";
export {
  type AgentOperations,
  allOperations,
  type OperationGroup,
  operations,
  type PublicOperations,
  procedurePath,
  type UserOperations,
  type V1Operations,
} from "./registry.ts";
export { retryClassOf, waitSecondsOf } from "./retry.ts";
export {
  AgentInstance,
  GitDiff,
  IdempotencyKey,
  InstanceStatus,
  IsoDateTime,
  instanceStatuses,
  Message,
  MessageText,
  Metadata,
  Name,
  PageLimit,
  PendingStatus,
  SenderType,
  ShareRole,
  Uuid,
} from "./schemas.ts";
export { User } from "./user/account.ts";
export { ApiKeyInfo } from "./user/api-keys.ts";
export {
  AuditAction,
  AuditCursor,
  AuditDetail,
  AuditEntry,
  AuditTargetType,
  auditActions,
} from "./user/audit.ts";
export { BillingOverview, billingOperationIds, Subscription } from "./user/billing.ts";
export { EventId, UserEvent } from "./user/events.ts";
export { InstanceDetail } from "./user/get-instance.ts";
export { userOperations } from "./user/index.ts";
export { LaunchField, LaunchTarget, LaunchTargetInput } from "./user/launch-targets.ts";
export { AgentTypeOverview } from "./user/list-agent-types.ts";
export { WebPushSubscription } from "./user/notification-devices.ts";
export { NotificationSettings } from "./user/notification-settings.ts";
export { InstanceShare } from "./user/shares.ts";
export {
  Team,
  TeamAgentTypeShare,
  TeamDetail,
  TeamInstanceShare,
  TeamInvite,
  TeamMember,
  TeamRole,
} from "./user/teams.ts";
export { v1Operations } from "./v1/index.ts";
export { orAbsent, V1AgentInstance, V1AgentType, V1Content, V1Message, V1PendingStatus } from "./v1/schemas.ts";
export {
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryEvent,
  WebhookDeliveryState,
  WebhookEndpoint,
  WebhookEvent,
  WebhookUrl,
  webhookDeliveryEvents,
  webhookDeliveryStates,
  webhookEvents,
} from "./webhooks.ts";
