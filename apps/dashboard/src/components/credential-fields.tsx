import { limits } from "@omnara/contracts";
import { useId } from "react";
import { session } from "../lib/session.ts";

/**
 * The email and password of a sign-in or sign-up form, the same for local and Supabase accounts.
 * `passwordRequired` is off where the form can also send a link (the password then stays empty).
 */
export function CredentialFields({ signUp, passwordRequired }: { signUp: boolean; passwordRequired: boolean }) {
  const ids = { email: useId(), password: useId() };
  return (
    <>
      <label className="field" htmlFor={ids.email}>
        <span>Email</span>
        <input id={ids.email} className="input" name="email" type="email" autoComplete="email" required />
      </label>
      <label className="field" htmlFor={ids.password}>
        <span>Password</span>
        <input
          id={ids.password}
          className="input"
          name="password"
          type="password"
          autoComplete={signUp ? "new-password" : "current-password"}
          maxLength={limits.passwordMaxChars}
          {...(passwordRequired ? { required: true, minLength: signUp ? limits.passwordMinChars : 1 } : {})}
        />
      </label>
    </>
  );
}

/** Said on sign-in when the last session ended by the server's refusal, not by signing out here. */
export function SessionExpiredNotice() {
  return session.expired() ? (
    <output className="notice" data-testid="session-expired">
      Your session expired or was signed out on another device. Sign in again to continue.
    </output>
  ) : null;
}
