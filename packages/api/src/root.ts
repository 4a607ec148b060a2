import { agentRouter } from "./routers/agent/index.ts";
import { publicRouter } from "./routers/public/index.ts";
import { userRouter } from "./routers/user/index.ts";
import { v1Router } from "./routers/v1/index.ts";
import { router } from "./trpc.ts";

/** Keys equal the contract registry's: agent, user, public, v1. */
export const appRouter = router({ agent: agentRouter, user: userRouter, public: publicRouter, v1: v1Router });

export type AppRouter = typeof appRouter;
export type AgentRouter = typeof agentRouter;
export type UserRouter = typeof userRouter;
export type PublicRouter = typeof publicRouter;
