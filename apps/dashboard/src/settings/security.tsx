import { limits } from "@omnara/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { timeAgo } from "../lib/format-time.ts";
import { session } from "../lib/session.ts";
import { isSupabaseToken, supabaseSettings } from "../lib/supabase.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";

/** A short name for a User-Agent: the browser and the system, when they can be told. */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Chrome\//.test(userAgent)
      ? "Chrome"
      : /Firefox\//.test(userAgent)
        ? "Firefox"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : undefined;
  const system = /iPhone|iPad/.test(userAgent)
    ? "iOS"
    : /Android/.test(userAgent)
      ? "Android"
      : /Mac OS X/.test(userAgent)
        ? "macOS"
        : /Windows/.test(userAgent)
          ? "Windows"
          : /Linux/.test(userAgent)
            ? "Linux"
            : undefined;
  return browser && system ? `${browser} on ${system}` : (browser ?? system ?? userAgent.slice(0, 60));
}

/** Change password, the signed-in sessions with their devices, and signing them out. */
export function Security() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const ids = { current: useId(), next: useId() };
  const [changed, setChanged] = useState<number>();
  const sessions = useQuery(trpc.listSessions.queryOptions({}));
  // Supabase keeps the passwords of its users; its sessions are listed and signed out here alike.
  const viaSupabase = useQuery({
    queryKey: ["supabase-session"],
    queryFn: async () => (await supabaseSettings()) !== null && isSupabaseToken(session.get()),
  });
  const refresh = () => void queryClient.invalidateQueries(trpc.listSessions.pathFilter());
  const change = useMutation(
    trpc.changePassword.mutationOptions({
      onSuccess: (result) => {
        setChanged(result.signed_out_sessions);
        refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.revokeSession.mutationOptions({ onSuccess: refresh }));
  const everywhere = useMutation(
    trpc.signOutEverywhere.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        session.clear();
      },
    }),
  );
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    change.mutate(
      { current_password: String(form.get("current") ?? ""), new_password: String(form.get("next") ?? "") },
      { onSuccess: () => target.reset() },
    );
  };

  return (
    <div className="stack">
      {viaSupabase.data ? (
        <p className="card subtle" style={{ padding: 16 }} data-testid="password-by-supabase">
          You sign in through Supabase: your password is kept there, not on this server.
        </p>
      ) : (
        <form className="card stack" style={{ padding: 16 }} onSubmit={onChange} aria-label="Change password">
          <label className="field" htmlFor={ids.current}>
            <span>Current password</span>
            <input
              id={ids.current}
              className="input"
              name="current"
              type="password"
              autoComplete="current-password"
              required
            />
          </label>
          <label className="field" htmlFor={ids.next}>
            <span>New password</span>
            <input
              id={ids.next}
              className="input"
              name="next"
              type="password"
              autoComplete="new-password"
              minLength={limits.passwordMinChars}
              required
            />
          </label>
          {change.error ? <p className="form-error">{errorMessage(change.error)}</p> : null}
          {changed !== undefined ? (
            <output data-testid="password-changed">
              Password changed; {changed === 1 ? "1 other session was" : `${changed} other sessions were`} signed out.
            </output>
          ) : null}
          <div>
            <button type="submit" className="btn btn-primary" disabled={change.isPending}>
              Change password
            </button>
          </div>
        </form>
      )}
      <div className="card">
        <ul className="share-list" aria-label="Signed-in sessions" style={{ padding: 12, margin: 0 }}>
          {(sessions.data?.sessions ?? []).map((row) => (
            <li key={row.id} className="row" data-testid="session-row" style={{ justifyContent: "space-between" }}>
              <span className="truncate">
                <strong>{deviceName(row.user_agent)}</strong>
                <span className="subtle">
                  {" "}
                  · {row.client_address ?? "unknown address"} · last used{" "}
                  {timeAgo(row.last_used_at ?? row.created_at, now)}
                </span>
                {row.current ? <span className="shared-badge">This device</span> : null}
              </span>
              {row.current ? null : (
                <button
                  type="button"
                  className="btn btn-ghost btn-sm btn-danger"
                  aria-label={`Sign out ${deviceName(row.user_agent)}`}
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate({ id: row.id })}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
        {revoke.error ? <p className="form-error">{errorMessage(revoke.error)}</p> : null}
      </div>
      <div>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => everywhere.mutate({})}
          disabled={everywhere.isPending}
        >
          Sign out everywhere
        </button>
      </div>
    </div>
  );
}
