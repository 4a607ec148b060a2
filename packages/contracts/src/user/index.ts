import { changePassword, listSessions, me, revokeSession, signOut, signOutEverywhere } from "./account.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.ts";
import { listAudit } from "./audit.ts";
import { createCheckoutSession, createPortalSession, getBilling } from "./billing.ts";
import { confirmCliLogin, describeCliLogin } from "./cli-login.ts";
import { deleteInstance } from "./delete-instance.ts";
import { events } from "./events.ts";
import { getInstance } from "./get-instance.ts";
import { getSummary } from "./get-summary.ts";
import { cancelQueuedMessage, interruptInstance, stopInstance } from "./instance-control.ts";
import { deleteLaunchTarget, getLaunchTarget, launchAgent, setLaunchTarget } from "./launch-targets.ts";
import { listAgentTypes } from "./list-agent-types.ts";
import { listInstances } from "./list-instances.ts";
import { listMessages } from "./list-messages.ts";
import { listMachines, startMachineSession, stopMachineSession } from "./machines.ts";
import { markCompleted } from "./mark-completed.ts";
import {
  listNotificationDevices,
  registerNotificationDevice,
  removeNotificationDevice,
} from "./notification-devices.ts";
import { listNotificationLog } from "./notification-log.ts";
import { getNotificationSettings, updateNotificationSettings } from "./notification-settings.ts";
import { renameInstance } from "./rename-instance.ts";
import { reply } from "./reply.ts";
import { reportPresence } from "./report-presence.ts";
import { sendTestNotification } from "./send-test-notification.ts";
import { listShares, revokeShare, shareInstance } from "./shares.ts";
import {
  acceptTeamInvite,
  cancelTeamInvite,
  changeTeamRole,
  createTeam,
  declineTeamInvite,
  deleteTeam,
  getTeam,
  inviteTeamMember,
  leaveTeam,
  listAgentTypeTeamShares,
  listTeamAudit,
  listTeams,
  removeTeamMember,
  revokeAgentTypeTeamShare,
  revokeInstanceTeamShare,
  shareAgentTypeWithTeam,
  shareInstanceWithTeam,
} from "./teams.ts";
import {
  createWebhook,
  deleteWebhook,
  getWebhookSigningSecret,
  listWebhookDeliveries,
  listWebhooks,
  replayWebhookDelivery,
  rotateWebhookSigningSecret,
  sendTestWebhook,
  updateWebhook,
} from "./webhooks.ts";

/** Operations a signed-in user calls: the read path and replies. */
export const userOperations = {
  listAgentTypes,
  listInstances,
  getSummary,
  getInstance,
  listMessages,
  reply,
  markCompleted,
  interruptInstance,
  stopInstance,
  cancelQueuedMessage,
  getLaunchTarget,
  setLaunchTarget,
  deleteLaunchTarget,
  launchAgent,
  renameInstance,
  deleteInstance,
  shareInstance,
  listShares,
  revokeShare,
  createTeam,
  listTeams,
  getTeam,
  leaveTeam,
  deleteTeam,
  inviteTeamMember,
  cancelTeamInvite,
  acceptTeamInvite,
  declineTeamInvite,
  changeTeamRole,
  removeTeamMember,
  listTeamAudit,
  shareInstanceWithTeam,
  revokeInstanceTeamShare,
  shareAgentTypeWithTeam,
  revokeAgentTypeTeamShare,
  listAgentTypeTeamShares,
  me,
  signOut,
  listSessions,
  revokeSession,
  signOutEverywhere,
  changePassword,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  listAudit,
  describeCliLogin,
  confirmCliLogin,
  registerNotificationDevice,
  listNotificationDevices,
  removeNotificationDevice,
  getNotificationSettings,
  updateNotificationSettings,
  listNotificationLog,
  sendTestNotification,
  reportPresence,
  listWebhooks,
  createWebhook,
  updateWebhook,
  deleteWebhook,
  sendTestWebhook,
  listWebhookDeliveries,
  replayWebhookDelivery,
  getWebhookSigningSecret,
  rotateWebhookSigningSecret,
  events,
  getBilling,
  createCheckoutSession,
  createPortalSession,
  listMachines,
  startMachineSession,
  stopMachineSession,
} as const;
