export * from "./child-server.ts";
export * from "./clients.ts";
export * from "./databases.ts";
export { testEnv } from "./env.ts";
export * from "./fake-stripe.ts";
export * from "./resetting-proxy.ts";
export * from "./restartable-server.ts";
export * from "./server.ts";
export * from "./throwaway-postgres.ts";
