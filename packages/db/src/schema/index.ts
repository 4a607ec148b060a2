export * from "./agents.ts";
export * from "./api-keys.ts";
export * from "./users.ts";
