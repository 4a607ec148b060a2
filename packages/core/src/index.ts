export {
  type AuditRecord,
  auditCsvColumns,
  auditCsvLine,
  auditExcerpt,
  exportAudit,
  listAudit,
  listTeamAudit,
  recordAudit,
} from "./audit/audit.ts";
export {
  authenticateApiKey,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  type SignedApiKey,
  signedApiKey,
  type UncheckedApiKey,
} from "./auth/api-keys.ts";
export { confirmCliLogin, describeCliLogin, pollCliLogin, startCliLogin } from "./auth/cli-login.ts";
export {
  type PasswordResetDelivery,
  requestPasswordReset,
  resetLink,
  resetPassword,
} from "./auth/password-reset.ts";
export { hashPassword, verifyPassword } from "./auth/passwords.ts";
export { generateSecrets, loadOrCreateSecrets, type Secrets } from "./auth/secrets.ts";
export { changePassword, listSessions, revokeSession, signOutEverywhere } from "./auth/session-security.ts";
export {
  createLocalUserAuthenticator,
  me,
  type SignInDevice,
  signIn,
  signOut,
  signUp,
  type UserAuthenticator,
  type UserProfile,
} from "./auth/sessions.ts";
export {
  authConfig,
  createSupabaseUserAuthenticator,
  createUserAuthenticator,
  type SupabaseAuthOptions,
} from "./auth/supabase.ts";
export { claimedAudience } from "./auth/tokens.ts";
export { createCheckoutSession, createPortalSession, getBilling } from "./billing/billing.ts";
export type { BillingDeps, BillingEvent, BillingGateway, SubscriptionState } from "./billing/gateway.ts";
export { applyBillingEvent, type BillingEventOutcome, handledEventTypes } from "./billing/stripe-events.ts";
export { billingPeriod } from "./billing/usage.ts";
export type { AgentCaller, Caller, CoreDeps, Device } from "./deps.ts";
export { FEED_PRUNE_EVERY_MS, FEED_ROWS_KEPT, pruneFeed } from "./events/feed-retention.ts";
export { events, REPLAY_BOUND, type StreamedEvent } from "./events/user-events.ts";
export { endInstance, readInstance } from "./instances/agent-access.ts";
export { interruptInstance, stopInstance, waitForControl } from "./instances/control.ts";
export {
  type InstanceAccess,
  instanceRoleOf,
  ownerAccess,
  requireInstanceRole,
} from "./instances/instance-access.ts";
export { endSession, heartbeat, registerInstance, verifyKey } from "./instances/lifecycle.ts";
export { getSummary, listAgentTypes, listInstances } from "./instances/listings.ts";
export { listShares, revokeShare, shareInstance } from "./instances/shares.ts";
export { foldCounts } from "./instances/status-counts.ts";
export {
  type InstanceEvent,
  instanceEvents,
  isEnded,
  nextStatus,
  type Outcome,
  transitions,
} from "./instances/status-machine.ts";
export { deleteInstance, getInstance, markCompleted, renameInstance } from "./instances/user-actions.ts";
export {
  DEFAULT_START_EXPIRES_AFTER_MS,
  EXPIRE_STARTS_EVERY_MS,
  expireStartRequests,
} from "./machines/expire-starts.ts";
export { DEFAULT_ASLEEP_AFTER_MS, listMachines } from "./machines/list-machines.ts";
export { reportMachineSession, startMachineSession, stopMachineSession } from "./machines/machine-sessions.ts";
export { claimMachineCommands, pollMachine } from "./machines/poll-machine.ts";
export { registerMachine } from "./machines/register-machine.ts";
export { askQuestion } from "./messages/ask-question.ts";
export { cancelQueuedMessage } from "./messages/cancel-queued.ts";
export { listMessages, listMessagesAsOwner } from "./messages/list-messages.ts";
export { logStep } from "./messages/log-step.ts";
export { getPendingMessages } from "./messages/pending.ts";
export { requestInput } from "./messages/request-input.ts";
export { sendMessage } from "./messages/send-message.ts";
export { reply, replyAsOwner, sendUserMessage } from "./messages/user-message.ts";
export { waitForReply } from "./messages/wait-for-reply.ts";
export { notFound } from "./not-found.ts";
export {
  createDoorbell,
  type Doorbell,
  enqueueNotification,
  firstLine,
  getNotificationSettings,
  listNotificationDevices,
  listNotificationLog,
  type NotificationCause,
  registerNotificationDevice,
  removeNotificationDevice,
  reportPresence,
  sendTestNotification,
  updateNotificationSettings,
} from "./notifications/index.ts";
export { RateLimiter } from "./rate-limiter.ts";
export { createRateLimit, type RateDecision, type RateLimit } from "./shared-rate-limit.ts";
export {
  acceptTeamInvite,
  cancelTeamInvite,
  declineTeamInvite,
  inviteTeamMember,
} from "./teams/invites.ts";
export { changeTeamRole, removeTeamMember } from "./teams/members.ts";
export {
  type InviteAccess,
  requireInviteRecipient,
  requireOwnAgentType,
  requireTeamRole,
  type TeamAccess,
} from "./teams/team-access.ts";
export {
  listAgentTypeTeamShares,
  revokeAgentTypeTeamShare,
  revokeInstanceTeamShare,
  shareAgentTypeWithTeam,
  shareInstanceWithTeam,
} from "./teams/team-shares.ts";
export { createTeam, deleteTeam, getTeam, leaveTeam, listTeams } from "./teams/teams.ts";
export {
  createWebhook,
  deleteWebhook,
  getWebhookSigningSecret,
  listWebhookDeliveries,
  listWebhooks,
  replayWebhookDelivery,
  rotateWebhookSigningSecret,
  sendTestWebhook,
  updateWebhook,
} from "./webhooks/index.ts";
export {
  deleteLaunchTarget,
  getLaunchTarget,
  launchAgent,
  setLaunchTarget,
} from "./webhooks/launch-targets.ts";
export { seal, unseal } from "./webhooks/sealed.ts";
