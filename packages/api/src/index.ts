export { callOperation } from "./call-operation.ts";
export { bearerToken, type Context } from "./context.ts";
export { fieldIssues, httpStatusOf, planLimitOf, publicMessage, retryAfterSecondsOf, toPublicError } from "./errors.ts";
export { type AgentRouter, type AppRouter, appRouter, type PublicRouter, type UserRouter } from "./root.ts";
export { agentRouter } from "./routers/agent/index.ts";
export { publicRouter } from "./routers/public/index.ts";
export { userRouter } from "./routers/user/index.ts";
export { v1Router } from "./routers/v1/index.ts";
export { createCallerFactory } from "./trpc.ts";
