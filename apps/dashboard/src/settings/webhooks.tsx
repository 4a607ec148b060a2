import type { WebhookDelivery, WebhookEvent } from "@omnara/contracts";
import { webhookEvents } from "@omnara/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, RotateCcw, Send, Trash2 } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { CopyButton } from "../components/copy-button.tsx";
import { timeAgo } from "../lib/format-time.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";

const eventLabels: Record<WebhookEvent, string> = {
  question_asked: "Question asked",
  user_reply: "Reply",
  session_ended: "Session ended",
};

/** Event webhooks, the signing secret and the delivery log (n8n resume calls included). */
export function Webhooks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hooks = useQuery(trpc.listWebhooks.queryOptions({}));
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.listWebhooks.pathFilter());
    void queryClient.invalidateQueries(trpc.listWebhookDeliveries.pathFilter());
  };
  const create = useMutation(trpc.createWebhook.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.updateWebhook.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.deleteWebhook.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(trpc.sendTestWebhook.mutationOptions({ onSuccess: refresh }));
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["question_asked"]);
  const urlId = useId();
  const error = create.error ?? update.error ?? remove.error ?? test.error;

  const add = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ url: url.trim(), events }, { onSuccess: () => setUrl("") });
  };
  const toggleEvent = (name: WebhookEvent, on: boolean) =>
    setEvents((current) => (on ? [...current, name] : current.filter((e) => e !== name)));

  return (
    <>
      <div className="card" data-testid="webhooks">
        <dl className="settings-list">
          <SigningSecret />
          {(hooks.data?.webhooks ?? []).map((hook) => (
            <div key={hook.id} data-testid="webhook">
              <dt>
                <span style={{ wordBreak: "break-all" }}>{hook.url}</span>
                <div className="subtle">
                  {hook.events.map((e) => eventLabels[e]).join(", ")}
                  {hook.enabled ? "" : " · paused"}
                </div>
              </dt>
              <dd className="row">
                <label className="row subtle">
                  <input
                    type="checkbox"
                    checked={hook.enabled}
                    onChange={(e) => update.mutate({ webhook_id: hook.id, enabled: e.target.checked })}
                    style={{ accentColor: "var(--accent)" }}
                  />
                  On
                </label>
                <button type="button" className="btn btn-sm" onClick={() => test.mutate({ webhook_id: hook.id })}>
                  <Send aria-hidden="true" />
                  Send test
                </button>
                <button
                  type="button"
                  className="btn btn-sm btn-ghost btn-danger"
                  onClick={() => remove.mutate({ webhook_id: hook.id })}
                  aria-label={`Remove the webhook to ${hook.url}`}
                >
                  <Trash2 aria-hidden="true" />
                </button>
              </dd>
            </div>
          ))}
        </dl>
        <form onSubmit={add} style={{ padding: 12, display: "grid", gap: 8 }}>
          <label htmlFor={urlId}>Add a webhook</label>
          <input
            id={urlId}
            className="input"
            type="url"
            required
            placeholder="https://example.com/omnara"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <div className="row" style={{ flexWrap: "wrap" }}>
            {webhookEvents.map((name) => (
              <label key={name} className="row">
                <input
                  type="checkbox"
                  checked={events.includes(name)}
                  onChange={(e) => toggleEvent(name, e.target.checked)}
                  style={{ accentColor: "var(--accent)" }}
                />
                {eventLabels[name]}
              </label>
            ))}
            <button type="submit" className="btn btn-sm" disabled={create.isPending || events.length === 0}>
              <Plus aria-hidden="true" />
              Add
            </button>
          </div>
        </form>
        {error ? (
          <p className="form-error" role="alert" style={{ margin: 12 }}>
            {errorMessage(error)}
          </p>
        ) : null}
      </div>
      <h2 className="section-title">Webhook deliveries</h2>
      <DeliveryLog />
    </>
  );
}

function SigningSecret() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [shown, setShown] = useState(false);
  const secret = useQuery({ ...trpc.getWebhookSigningSecret.queryOptions({}), enabled: shown });
  const rotate = useMutation(
    trpc.rotateWebhookSigningSecret.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.getWebhookSigningSecret.queryKey({}), data),
    }),
  );
  return (
    <div>
      <dt>
        Signing secret
        <div className="subtle">
          Every delivery carries X-Omnara-Signature: t=…,v1=HMAC-SHA256(secret, "t.body"); see the README
        </div>
        {shown && secret.data ? (
          <code data-testid="signing-secret" style={{ wordBreak: "break-all" }}>
            {secret.data.signing_secret}
          </code>
        ) : null}
      </dt>
      <dd className="row">
        {shown && secret.data ? (
          <>
            <CopyButton text={secret.data.signing_secret} small />
            <button type="button" className="btn btn-sm" onClick={() => rotate.mutate({})} disabled={rotate.isPending}>
              <RotateCcw aria-hidden="true" />
              Rotate
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-sm" onClick={() => setShown(true)}>
            Reveal
          </button>
        )}
      </dd>
    </div>
  );
}

const stateLabel = { pending: "pending", delivered: "delivered", failed: "failed" } as const;

function lastAttempt(delivery: WebhookDelivery): string {
  const last = delivery.attempts.at(-1);
  if (!last) return "not tried yet";
  const answer = last.status !== null ? `HTTP ${last.status}` : (last.error ?? "no answer");
  const detail = last.status !== null && last.error ? ` (${last.error})` : "";
  return `${answer}${detail} · attempt ${last.attempt} · ${last.duration_ms} ms`;
}

function DeliveryLog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const log = useQuery({
    ...trpc.listWebhookDeliveries.queryOptions({ limit: 20 }),
    // Deliveries finish in the background: follow them while any is pending.
    refetchInterval: (query) => (query.state.data?.deliveries.some((d) => d.state === "pending") ? 2_000 : false),
  });
  const replay = useMutation(
    trpc.replayWebhookDelivery.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.listWebhookDeliveries.pathFilter()),
    }),
  );
  const deliveries = log.data?.deliveries ?? [];
  return (
    <div className="card">
      {deliveries.length === 0 ? (
        <p className="subtle" style={{ padding: 12, margin: 0 }}>
          No deliveries yet. n8n “Send and Wait” calls and event webhooks appear here.
        </p>
      ) : (
        <dl className="settings-list" data-testid="webhook-deliveries">
          {deliveries.map((delivery) => (
            <div key={delivery.id} data-testid="webhook-delivery" data-state={delivery.state}>
              <dt>
                {delivery.event} · <span data-testid="delivery-state">{stateLabel[delivery.state]}</span>
                <div className="subtle" style={{ wordBreak: "break-all" }}>
                  {delivery.url}
                </div>
                <div className="subtle">
                  {timeAgo(delivery.created_at)} · {lastAttempt(delivery)}
                  {delivery.replay_of ? " · replay" : ""}
                </div>
              </dt>
              <dd>
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => replay.mutate({ delivery_id: delivery.id })}
                  disabled={replay.isPending}
                >
                  <RotateCcw aria-hidden="true" />
                  Replay
                </button>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {replay.error ? (
        <p className="form-error" role="alert" style={{ margin: 12 }}>
          {errorMessage(replay.error)}
        </p>
      ) : null}
    </div>
  );
}
