export * from "./agents.ts";
export * from "./api-keys.ts";
export * from "./billing.ts";
export * from "./cli-logins.ts";
export * from "./feed.ts";
export * from "./notifications.ts";
export * from "./users.ts";
export * from "./webhooks.ts";
