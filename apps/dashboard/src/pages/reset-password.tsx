import { limits } from "@omnara/contracts";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { Link, useSearchParams } from "react-router";
import { BrandMark } from "../components/brand.tsx";
import { errorMessage, publicClient } from "../lib/trpc.ts";

/** Asks for a reset link (no token in the URL), or sets the new password with the link's token. */
export default function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get("token");
  const ids = { email: useId(), password: useId() };
  const ask = useMutation({ mutationFn: (email: string) => publicClient.requestPasswordReset.mutate({ email }) });
  const set = useMutation({
    mutationFn: (password: string) => publicClient.resetPassword.mutate({ token: token ?? "", new_password: password }),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (token) set.mutate(String(form.get("password") ?? ""));
    else ask.mutate(String(form.get("email") ?? ""));
  };
  const error = ask.error ?? set.error;

  return (
    <div className="auth">
      <div className="card auth-card">
        <div className="brand">
          <BrandMark />
          <span>Omnara</span>
        </div>
        <h1>{token ? "Choose a new password" : "Reset your password"}</h1>
        {ask.isSuccess ? (
          <output className="notice" data-testid="reset-sent">
            If that email has an account here, a reset link is on its way. It works once, for an hour.
          </output>
        ) : null}
        {set.isSuccess ? (
          <output className="notice" data-testid="reset-done">
            Password set. Every session was signed out: <Link to="/sign-in">sign in</Link> with the new one.
          </output>
        ) : (
          <form onSubmit={onSubmit}>
            {token ? (
              <label className="field" htmlFor={ids.password}>
                <span>New password</span>
                <input
                  id={ids.password}
                  className="input"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  minLength={limits.passwordMinChars}
                  maxLength={limits.passwordMaxChars}
                  required
                />
              </label>
            ) : (
              <label className="field" htmlFor={ids.email}>
                <span>Email</span>
                <input id={ids.email} className="input" name="email" type="email" autoComplete="email" required />
              </label>
            )}
            {error ? (
              <p className="form-error" role="alert">
                {errorMessage(error)}
              </p>
            ) : null}
            <button type="submit" className="btn btn-primary btn-block" disabled={ask.isPending || set.isPending}>
              {token ? "Set password" : "Email me a reset link"}
            </button>
          </form>
        )}
        <p className="muted">
          <Link to="/sign-in">Back to sign-in</Link>
        </p>
      </div>
    </div>
  );
}
