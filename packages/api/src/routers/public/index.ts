import { publicOperations } from "@omnara/contracts";
import { proceduresFor } from "../../from-contract.ts";
import { publicProcedure, router } from "../../trpc.ts";
import { publicCliLoginHandlers } from "./cli-login.ts";
import { publicSignInHandlers } from "./sign-in.ts";

/** What anyone may call: sign-up, sign-in and the CLI's half of the device-code login. */
export const publicRouter = router(
  proceduresFor(publicProcedure, publicOperations, { ...publicSignInHandlers, ...publicCliLoginHandlers }),
);
