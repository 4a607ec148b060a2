import { limits } from "@omnara/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { Link, useLocation } from "react-router";
import { session } from "../lib/session.ts";
import { errorMessage, publicClient } from "../lib/trpc.ts";
import { BrandMark } from "./brand.tsx";
import { CredentialFields, SessionExpiredNotice } from "./credential-fields.tsx";

export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const queryClient = useQueryClient();
  const ids = { name: useId() };
  const submit = useMutation({
    mutationFn: (form: FormData) => {
      const email = String(form.get("email") ?? "");
      const password = String(form.get("password") ?? "");
      const name = String(form.get("display_name") ?? "").trim();
      return mode === "sign-up"
        ? publicClient.signUp.mutate({ email, password, ...(name ? { display_name: name } : {}) })
        : publicClient.signIn.mutate({ email, password });
    },
    // The route guard moves a signed-in user on (to ?next=, or onboarding after sign-up).
    onSuccess: ({ token }) => {
      queryClient.clear();
      session.set(token);
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit.mutate(new FormData(event.currentTarget));
  };
  const signUp = mode === "sign-up";
  // Switching between sign-in and sign-up keeps `?next=`, e.g. the code of a waiting `omnara login`.
  const { search } = useLocation();
  const forCli = new URLSearchParams(search).get("next")?.startsWith("/cli-login") ?? false;

  return (
    <div className="auth">
      <div className="card auth-card">
        <div className="brand">
          <BrandMark />
          <span>Omnara</span>
        </div>
        <div>
          <h1>{signUp ? "Create your account" : "Welcome back"}</h1>
          <p className="muted">
            {forCli
              ? `${signUp ? "Create an account" : "Sign in"}, then confirm the code your terminal shows.`
              : signUp
                ? "Watch and answer your AI agents from anywhere."
                : "Sign in to your mission control."}
          </p>
        </div>
        {signUp ? null : <SessionExpiredNotice />}
        <form onSubmit={onSubmit}>
          {signUp ? (
            <label className="field" htmlFor={ids.name}>
              <span>Name (optional)</span>
              <input
                id={ids.name}
                className="input"
                name="display_name"
                autoComplete="name"
                maxLength={limits.nameChars}
              />
            </label>
          ) : null}
          <CredentialFields signUp={signUp} passwordRequired={true} />
          {submit.error ? (
            <p className="form-error" role="alert">
              {errorMessage(submit.error)}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-block" disabled={submit.isPending}>
            {submit.isPending ? "One moment…" : signUp ? "Create account" : "Sign in"}
          </button>
        </form>
        {signUp ? null : (
          <p className="muted">
            <Link to="/reset-password">Forgot your password?</Link>
          </p>
        )}
        <p className="muted">
          {signUp ? "Already have an account? " : "New to Omnara? "}
          <Link to={`${signUp ? "/sign-in" : "/sign-up"}${search}`}>{signUp ? "Sign in" : "Create an account"}</Link>
        </p>
      </div>
    </div>
  );
}
