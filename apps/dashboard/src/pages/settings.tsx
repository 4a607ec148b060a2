import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { LogOut } from "lucide-react";
import { useState } from "react";
import { fullDate } from "../lib/format-time.ts";
import { session } from "../lib/session.ts";
import { useTRPC } from "../lib/trpc.ts";
import { Audit } from "../settings/audit.tsx";
import { LaunchTargets } from "../settings/launch-targets.tsx";
import { NotificationPreferences } from "../settings/notification-preferences.tsx";
import { PushDevices } from "../settings/push-devices.tsx";
import { Security } from "../settings/security.tsx";
import { Webhooks } from "../settings/webhooks.tsx";
import { applyTheme, storedTheme, type Theme } from "../theme.ts";

const themes: { id: Theme; label: string }[] = [
  { id: "system", label: "System" },
  { id: "light", label: "Light" },
  { id: "dark", label: "Dark" },
];

export default function SettingsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.me.queryOptions({}));
  const [theme, setTheme] = useState(storedTheme);
  const signOut = useMutation(
    trpc.signOut.mutationOptions({
      // Signed out locally even if the server can't be reached: the token is forgotten here.
      onSettled: () => {
        queryClient.clear();
        session.clear();
      },
    }),
  );
  const chooseTheme = (next: Theme) => {
    applyTheme(next);
    setTheme(next);
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Settings</h1>
        </div>
        <button type="button" className="btn" onClick={() => signOut.mutate({})} disabled={signOut.isPending}>
          <LogOut aria-hidden="true" />
          Sign out
        </button>
      </div>
      <h2 className="section-title" style={{ marginTop: 0 }}>
        Profile
      </h2>
      <div className="card">
        <dl className="settings-list">
          <div>
            <dt>Email</dt>
            <dd data-testid="profile-email">{me.data?.email ?? "…"}</dd>
          </div>
          <div>
            <dt>Name</dt>
            <dd>{me.data ? (me.data.display_name ?? "—") : "…"}</dd>
          </div>
          <div>
            <dt>Member since</dt>
            <dd>{me.data ? fullDate(me.data.created_at) : "…"}</dd>
          </div>
        </dl>
      </div>
      <h2 className="section-title">Security</h2>
      <Security />
      <h2 className="section-title">Audit</h2>
      <Audit />
      <h2 className="section-title">Appearance</h2>
      <fieldset className="segmented">
        <legend className="visually-hidden">Theme</legend>
        {themes.map((t) => (
          <button key={t.id} type="button" aria-pressed={theme === t.id} onClick={() => chooseTheme(t.id)}>
            {t.label}
          </button>
        ))}
      </fieldset>
      <h2 className="section-title">Notifications</h2>
      <NotificationPreferences />
      <h2 className="section-title">Devices</h2>
      <PushDevices />
      <h2 className="section-title">Webhooks</h2>
      <Webhooks />
      <h2 className="section-title">Launch agents</h2>
      <LaunchTargets />
    </>
  );
}
