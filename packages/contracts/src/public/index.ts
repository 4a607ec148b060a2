import { authConfig, requestPasswordReset, resetPassword, signIn, signUp } from "./auth.ts";
import { pollCliLogin, startCliLogin } from "./cli-login.ts";

/** Operations anyone may call: creating an account, signing in, and the CLI's device-code sign-in. */
export const publicOperations = {
  authConfig,
  signUp,
  signIn,
  requestPasswordReset,
  resetPassword,
  startCliLogin,
  pollCliLogin,
} as const;
