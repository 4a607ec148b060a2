import { agentRouter } from "./routers/agent/index.ts";
import { publicRouter } from "./routers/public/index.ts";
import { userRouter } from "./routers/user/index.ts";
import { router } from "./trpc.ts";

/** Keys equal the contract registry's: agent, user, public. */
export const appRouter = router({ agent: agentRouter, user: userRouter, public: publicRouter });

export type AppRouter = typeof appRouter;
export type AgentRouter = typeof agentRouter;
export type UserRouter = typeof userRouter;
export type PublicRouter = typeof publicRouter;
