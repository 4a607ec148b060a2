import { limits } from "@omnara/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { ConfirmDialog } from "../components/dialog.tsx";
import { NewKeyNotice } from "../components/new-key-notice.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { fullDate, timeAgo } from "../lib/format-time.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import type { ApiKeyInfo } from "../lib/types.ts";
import { useNow } from "../lib/use-now.ts";

const expiries = [
  { days: 0, label: "Never" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
];

function CreateKeyForm({ onCreated }: { onCreated: (key: { id: string; api_key: string; name: string }) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { name: useId(), expiry: useId() };
  const create = useMutation(
    trpc.createApiKey.mutationOptions({
      onSuccess: (key) => {
        onCreated(key);
        void queryClient.invalidateQueries(trpc.listApiKeys.pathFilter());
      },
    }),
  );
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const days = Number(form.get("expiry") ?? 0);
    create.mutate({ name: String(form.get("name") ?? "").trim(), ...(days > 0 ? { expires_in_days: days } : {}) });
    event.currentTarget.reset();
  };
  return (
    <form
      className="card"
      style={{ padding: 16, display: "grid", gap: 12 }}
      onSubmit={onSubmit}
      aria-label="Create an API key"
    >
      <div
        style={{
          display: "grid",
          gap: 12,
          gridTemplateColumns: "repeat(auto-fit, minmax(180px, 1fr))",
          alignItems: "end",
        }}
      >
        <label className="field" htmlFor={ids.name}>
          <span>Name</span>
          <input
            id={ids.name}
            className="input"
            name="name"
            placeholder="e.g. Laptop – Claude Code"
            maxLength={limits.nameChars}
            required
          />
        </label>
        <label className="field" htmlFor={ids.expiry}>
          <span>Expires</span>
          <select id={ids.expiry} className="select" name="expiry" defaultValue="0">
            {expiries.map((e) => (
              <option key={e.days} value={e.days}>
                {e.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          <Plus aria-hidden="true" />
          Create key
        </button>
      </div>
      {create.error ? <p className="form-error">{errorMessage(create.error)}</p> : null}
    </form>
  );
}

function KeyRow({ apiKey, now, onRevoke }: { apiKey: ApiKeyInfo; now: number; onRevoke?: () => void }) {
  return (
    <li className="key-row" data-testid="api-key" data-key-id={apiKey.id}>
      <span className="key-name truncate">{apiKey.name}</span>
      <span className="key-facts">
        <span title={fullDate(apiKey.created_at)}>Created {timeAgo(apiKey.created_at, now)}</span>
        <span>Last used {timeAgo(apiKey.last_used_at, now)}</span>
        <span>
          {apiKey.revoked_at
            ? `Revoked ${timeAgo(apiKey.revoked_at, now)}`
            : apiKey.expires_at
              ? `${apiKey.is_active ? "Expires" : "Expired"} ${timeAgo(apiKey.expires_at, now)}`
              : "Never expires"}
        </span>
      </span>
      {onRevoke ? (
        <button type="button" className="btn btn-sm btn-danger" onClick={onRevoke} aria-label={`Revoke ${apiKey.name}`}>
          Revoke
        </button>
      ) : null}
    </li>
  );
}

export default function ApiKeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const keys = useQuery(trpc.listApiKeys.queryOptions({}));
  const [created, setCreated] = useState<{ id: string; api_key: string; name: string }>();
  const [revoking, setRevoking] = useState<ApiKeyInfo>();
  const [showInactive, setShowInactive] = useState(false);
  const revoke = useMutation(
    trpc.revokeApiKey.mutationOptions({
      onSuccess: (_result, input) => {
        // A revoked key's raw value is never offered again, not even from this page's memory.
        setCreated((shown) => (shown?.id === input.id ? undefined : shown));
        setRevoking(undefined);
        void queryClient.invalidateQueries(trpc.listApiKeys.pathFilter());
      },
    }),
  );

  const active = keys.data?.filter((k) => k.is_active) ?? [];
  const inactive = keys.data?.filter((k) => !k.is_active) ?? [];

  return (
    <>
      <div className="page-head">
        <div>
          <h1>API keys</h1>
          <p className="muted">
            Agents sign their messages with a key. Give each machine or agent its own, and revoke one without touching
            the others.
          </p>
        </div>
      </div>
      <div className="stack">
        <CreateKeyForm onCreated={setCreated} />
        {created ? (
          <div className="card" style={{ padding: 16 }}>
            <NewKeyNotice apiKey={created.api_key} name={created.name} />
          </div>
        ) : null}
      </div>
      <h2 className="section-title">Active keys</h2>
      {keys.isPending ? (
        <Loading />
      ) : keys.error ? (
        <ErrorState error={keys.error} retry={() => void keys.refetch()} />
      ) : active.length === 0 ? (
        <div className="card empty">
          <KeyRound aria-hidden="true" />
          <p>No active keys. Create one above to connect an agent.</p>
        </div>
      ) : (
        <ul className="card" style={{ listStyle: "none", margin: 0, padding: 0 }} aria-label="Active API keys">
          {active.map((key) => (
            <KeyRow key={key.id} apiKey={key} now={now} onRevoke={() => setRevoking(key)} />
          ))}
        </ul>
      )}
      {inactive.length > 0 ? (
        <>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            style={{ marginTop: 12 }}
            onClick={() => setShowInactive((v) => !v)}
            aria-expanded={showInactive}
          >
            {showInactive ? "Hide" : "Show"} revoked and expired keys ({inactive.length})
          </button>
          {showInactive ? (
            <ul
              className="card"
              style={{ listStyle: "none", margin: "8px 0 0", padding: 0, opacity: 0.75 }}
              aria-label="Revoked and expired API keys"
            >
              {inactive.map((key) => (
                <KeyRow key={key.id} apiKey={key} now={now} />
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      <ConfirmDialog
        open={revoking !== undefined}
        title="Revoke this key?"
        body={
          <>
            Agents using “{revoking?.name}” are refused from their next call on. This cannot be undone.
            {revoke.error ? <p className="form-error">{errorMessage(revoke.error)}</p> : null}
          </>
        }
        confirmLabel="Revoke key"
        danger
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        onCancel={() => setRevoking(undefined)}
      />
    </>
  );
}
