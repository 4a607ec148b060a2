import { signIn, signUp } from "./auth.ts";

/** Operations anyone may call: creating an account and signing in. */
export const publicOperations = { signUp, signIn } as const;
