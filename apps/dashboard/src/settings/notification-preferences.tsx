import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ChangeEvent, useId } from "react";
import { ErrorState } from "../components/states.tsx";
import { errorMessage, useTRPC } from "../lib/trpc.ts";

function Toggle({
  label,
  hint,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  hint?: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (value: boolean) => void;
}) {
  const id = useId();
  return (
    <div>
      <dt>
        <label htmlFor={id}>{label}</label>
        {hint ? <div className="subtle">{hint}</div> : null}
      </dt>
      <dd>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
          style={{ width: 20, height: 20, accentColor: "var(--accent)" }}
        />
      </dd>
    </div>
  );
}

/** Preferences stored on the server and used by the notification dispatcher. */
export function NotificationPreferences() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.getNotificationSettings.queryOptions({}));
  const ids = { start: useId(), end: useId(), zone: useId() };
  const update = useMutation(
    trpc.updateNotificationSettings.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.getNotificationSettings.queryKey({}), data),
    }),
  );
  const test = useMutation(trpc.sendTestNotification.mutationOptions());

  if (settings.isPending)
    return (
      <div className="card" style={{ padding: 16 }}>
        Loading…
      </div>
    );
  if (settings.error) return <ErrorState error={settings.error} retry={() => void settings.refetch()} />;
  const s = settings.data;
  const quiet = s.quiet_hours;
  const setTime = (field: "start" | "end") => (event: ChangeEvent<HTMLInputElement>) => {
    if (event.target.value) update.mutate({ quiet_hours: { [field]: event.target.value } });
  };
  const can = (channel: string) => s.available_channels.some((c) => c === channel);
  const anyPush = can("web_push") || can("apns") || can("fcm");

  return (
    <div className="card">
      <dl className="settings-list">
        <Toggle
          label="Push notifications"
          hint={anyPush ? "To your registered phones and browsers" : "Push is not configured on this server"}
          checked={s.push_enabled}
          disabled={!anyPush}
          onChange={(v) => update.mutate({ push_enabled: v })}
        />
        <Toggle
          label="Email"
          hint={can("email") ? s.email_address : "Email is not configured on this server"}
          checked={s.email_enabled}
          disabled={!can("email")}
          onChange={(v) => update.mutate({ email_enabled: v })}
        />
        <Toggle
          label="When a session ends"
          hint="Questions always notify; this adds completed and failed sessions"
          checked={s.session_end_enabled}
          onChange={(v) => update.mutate({ session_end_enabled: v })}
        />
        <Toggle
          label="Quiet hours"
          hint="No push in this window; email still arrives"
          checked={quiet.enabled}
          onChange={(v) =>
            update.mutate({
              quiet_hours: {
                enabled: v,
                time_zone: quiet.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone,
              },
            })
          }
        />
        {quiet.enabled ? (
          <div>
            <dt>Quiet from – to</dt>
            <dd className="row" style={{ flexWrap: "wrap" }}>
              <label className="visually-hidden" htmlFor={ids.start}>
                Quiet hours start
              </label>
              <input
                id={ids.start}
                className="input"
                type="time"
                defaultValue={quiet.start}
                onBlur={setTime("start")}
                style={{ width: 120 }}
              />
              <span aria-hidden="true">–</span>
              <label className="visually-hidden" htmlFor={ids.end}>
                Quiet hours end
              </label>
              <input
                id={ids.end}
                className="input"
                type="time"
                defaultValue={quiet.end}
                onBlur={setTime("end")}
                style={{ width: 120 }}
              />
              <span className="subtle">{quiet.time_zone}</span>
            </dd>
          </div>
        ) : null}
        {s.agents.map((agent) => (
          <div key={agent.agent_type_id} data-testid="agent-notification-preference">
            <dt>
              {agent.agent_type_name}
              <div className="subtle">Its questions and session endings; a message's own flags override this</div>
            </dt>
            <dd className="row">
              {(["push", "email"] as const).map((channel) => (
                <label key={channel} className="row subtle">
                  <input
                    type="checkbox"
                    checked={channel === "push" ? agent.push_enabled : agent.email_enabled}
                    disabled={channel === "push" ? !s.push_enabled : !s.email_enabled}
                    onChange={(e) =>
                      update.mutate({
                        agents: [{ agent_type_id: agent.agent_type_id, [`${channel}_enabled`]: e.target.checked }],
                      })
                    }
                    style={{ accentColor: "var(--accent)" }}
                  />
                  {channel === "push" ? "Push" : "Email"}
                </label>
              ))}
            </dd>
          </div>
        ))}
        <div>
          <dt>Test</dt>
          <dd className="row">
            {test.data ? (
              <span className="subtle">
                Sent to {test.data.channels.length > 0 ? test.data.channels.join(", ") : "no channel"}
              </span>
            ) : null}
            <button type="button" className="btn btn-sm" onClick={() => test.mutate({})} disabled={test.isPending}>
              Send a test notification
            </button>
          </dd>
        </div>
      </dl>
      {update.error || test.error ? (
        <p className="form-error" role="alert" style={{ margin: 12 }}>
          {errorMessage(update.error ?? test.error)}
        </p>
      ) : null}
    </div>
  );
}
