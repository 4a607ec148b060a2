export { agentInstances, agentTypes, instanceCounts, instanceStatus, messages, senderType } from "./agents.ts";
export { apiKeys } from "./api-keys.ts";
export { auditEvents } from "./audit.ts";
export { billingAccounts, billingEvents, plan } from "./billing.ts";
export { cliLogins } from "./cli-logins.ts";
export { feedEventKind, feedEvents } from "./feed.ts";
export { type LaunchFieldRow, launchKind, launchTargets } from "./launch-targets.ts";
export { machineCommands, machineProjects, machineSessions, machines } from "./machines.ts";
export {
  defaultNotificationSettings,
  type NotificationContent,
  notificationAgentPreferences,
  notificationCapabilities,
  notificationChannel,
  notificationDeliveries,
  notificationDevices,
  notificationEvent,
  notificationJobState,
  notificationJobs,
  notificationLog,
  notificationOutcome,
  notificationPresence,
  notificationSettings,
  notificationThrottle,
  pushChannel,
  type WebPushKeys,
} from "./notifications.ts";
export { passwordResets } from "./password-resets.ts";
export { rateLimitBuckets } from "./rate-limits.ts";
export { instanceShares, shareRole } from "./shares.ts";
export {
  teamAgentTypeShares,
  teamInstanceShares,
  teamInviteState,
  teamInvites,
  teamMembers,
  teamRole,
  teams,
} from "./teams.ts";
export { userSessions, users } from "./users.ts";
export {
  type WebhookHeaders,
  webhookAttempts,
  webhookDeliveries,
  webhookDeliveryEvent,
  webhookDeliveryState,
  webhookEndpoints,
  webhookSecrets,
} from "./webhooks.ts";
