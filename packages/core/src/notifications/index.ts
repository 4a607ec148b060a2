export { listNotificationDevices, registerNotificationDevice, removeNotificationDevice } from "./devices.ts";
export { createDoorbell, type Doorbell } from "./doorbell.ts";
export { enqueueNotification, type NotificationCause } from "./enqueue.ts";
export { firstLine } from "./first-line.ts";
export { listNotificationLog } from "./log.ts";
export { reportPresence } from "./presence.ts";
export { getNotificationSettings, updateNotificationSettings } from "./settings.ts";
export { sendTestNotification } from "./test-notification.ts";
