import type { Provider, SupabaseClient } from "@supabase/supabase-js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useLocation } from "react-router";
import { session } from "../lib/session.ts";
import { enabledProviders, type SupabaseSettings } from "../lib/supabase.ts";
import { BrandMark } from "./brand.tsx";
import { CredentialFields, SessionExpiredNotice } from "./credential-fields.tsx";

const providerLabel = (name: string): string =>
  ({ github: "GitHub", google: "Google", gitlab: "GitLab", azure: "Microsoft", linkedin_oidc: "LinkedIn" })[name] ??
  `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/** Sign-in through the server's Supabase project: password, magic link, or an OAuth provider. */
export function SupabaseAuthForm({
  supabase,
  settings,
  mode,
}: {
  supabase: SupabaseClient;
  settings: SupabaseSettings;
  mode: "sign-in" | "sign-up";
}) {
  const queryClient = useQueryClient();
  const [sent, setSent] = useState<string>();
  const { search } = useLocation();
  // Magic links and providers come back here; the route guard then moves on to ?next=.
  const back = `${window.location.origin}${mode === "sign-up" ? "/sign-up" : "/sign-in"}${search}`;
  const providers = useQuery({
    queryKey: ["supabase-providers", settings.url],
    queryFn: () => enabledProviders(settings),
  });
  const signUp = mode === "sign-up";

  const password = useMutation({
    mutationFn: async ({ email, secret }: { email: string; secret: string }) => {
      const result = signUp
        ? await supabase.auth.signUp({ email, password: secret, options: { emailRedirectTo: back } })
        : await supabase.auth.signInWithPassword({ email, password: secret });
      if (result.error) throw result.error;
      return result.data.session;
    },
    onSuccess: (found, { email }) => {
      if (!found) {
        setSent(email);
        return;
      }
      queryClient.clear();
      session.set(found.access_token);
    },
  });
  const magicLink = useMutation({
    mutationFn: async (email: string) => {
      const { error } = await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: back } });
      if (error) throw error;
      return email;
    },
    onSuccess: (email) => setSent(email),
  });
  const oauth = useMutation({
    mutationFn: async (provider: string) => {
      // The provider's name comes from the project's own settings.
      const { error } = await supabase.auth.signInWithOAuth({
        provider: provider as Provider,
        options: { redirectTo: back },
      });
      if (error) throw error;
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    password.mutate({ email: String(form.get("email") ?? ""), secret: String(form.get("password") ?? "") });
  };
  const emailLink = (event: { currentTarget: HTMLButtonElement }) => {
    const email = event.currentTarget.form?.querySelector<HTMLInputElement>("input[name=email]");
    if (email && !email.reportValidity()) return;
    magicLink.mutate(email?.value ?? "");
  };
  const error = password.error ?? magicLink.error ?? oauth.error;

  return (
    <div className="auth">
      <div className="card auth-card">
        <div className="brand">
          <BrandMark />
          <span>Omnara</span>
        </div>
        <div>
          <h1>{signUp ? "Create your account" : "Welcome back"}</h1>
          <p className="muted">Signed in through this server's Supabase project.</p>
        </div>
        {signUp ? null : <SessionExpiredNotice />}
        {sent ? (
          <output className="notice" data-testid="check-email">
            Check {sent}: the link in that email signs you in.
          </output>
        ) : null}
        <form onSubmit={onSubmit}>
          <CredentialFields signUp={signUp} passwordRequired={false} />
          {error ? (
            <p className="form-error" role="alert">
              {error.message}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-block" disabled={password.isPending}>
            {password.isPending ? "One moment…" : signUp ? "Create account" : "Sign in"}
          </button>
          <button type="button" className="btn btn-block" onClick={emailLink} disabled={magicLink.isPending}>
            Email me a sign-in link
          </button>
        </form>
        {providers.data?.length ? (
          <div className="stack">
            {providers.data.map((provider) => (
              <button
                key={provider}
                type="button"
                className="btn btn-block"
                onClick={() => oauth.mutate(provider)}
                disabled={oauth.isPending}
              >
                Continue with {providerLabel(provider)}
              </button>
            ))}
          </div>
        ) : null}
      </div>
    </div>
  );
}
