import type { LaunchTarget } from "@omnara/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Play } from "lucide-react";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc.ts";

type Kind = "url" | "github";

/**
 * Launch targets (Settings): how each agent type is started from here, a URL of yours with a JSON
 * body template or a GitHub repository_dispatch, and its Start button with the runtime fields.
 */
export function LaunchTargets() {
  const trpc = useTRPC();
  const types = useQuery(trpc.listAgentTypes.queryOptions({ recent_limit: 1 }));
  const [typeId, setTypeId] = useState<string>();
  const chosen = typeId ?? types.data?.[0]?.id;
  if (!types.data || types.data.length === 0) {
    return <p className="muted">An agent type appears here once an agent has reported under it.</p>;
  }
  return (
    <div className="card" data-testid="launch-targets">
      <label className="field">
        <span>Agent type</span>
        <select value={chosen} onChange={(e) => setTypeId(e.target.value)} data-testid="launch-type">
          {types.data.map((type) => (
            <option key={type.id} value={type.id}>
              {type.name}
            </option>
          ))}
        </select>
      </label>
      {chosen ? <LaunchTargetEditor key={chosen} agentTypeId={chosen} /> : null}
    </div>
  );
}

function LaunchTargetEditor({ agentTypeId }: { agentTypeId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const target = useQuery(trpc.getLaunchTarget.queryOptions({ agent_type_id: agentTypeId }));
  const save = useMutation(
    trpc.setLaunchTarget.mutationOptions({
      onSuccess: (saved) =>
        queryClient.setQueryData(trpc.getLaunchTarget.queryKey({ agent_type_id: agentTypeId }), saved),
    }),
  );
  const current = target.data ?? undefined;
  const [kind, setKind] = useState<Kind>(current?.kind ?? "url");
  const [url, setUrl] = useState(current?.url ?? "");
  const [template, setTemplate] = useState(JSON.stringify(current?.body_template ?? { task: "{{task}}" }, null, 2));
  const [owner, setOwner] = useState(current?.owner ?? "");
  const [repo, setRepo] = useState(current?.repo ?? "");
  const [eventType, setEventType] = useState(current?.event_type ?? "omnara-start");
  const [token, setToken] = useState("");
  const [fields, setFields] = useState((current?.fields ?? [{ name: "task" }]).map((f) => f.name).join(", "));
  const [invalid, setInvalid] = useState<string>();
  if (target.isPending) return <p className="muted">…</p>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setInvalid(undefined);
    const names = fields
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => ({ name }));
    if (kind === "github") {
      save.mutate({
        agent_type_id: agentTypeId,
        target: { kind, owner, repo, event_type: eventType, ...(token ? { token } : {}) },
        fields: names,
      });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(template);
    } catch {
      setInvalid("The body template is not valid JSON.");
      return;
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      setInvalid("The body template must be a JSON object.");
      return;
    }
    save.mutate({
      agent_type_id: agentTypeId,
      target: { kind, url, body_template: Object.fromEntries(Object.entries(body)) },
      fields: names,
    });
  };

  return (
    <>
      <form className="stack" onSubmit={submit} data-testid="launch-form">
        <div className="segmented" role="tablist" aria-label="Launch through">
          {(["url", "github"] as const).map((option) => (
            <button
              key={option}
              type="button"
              role="tab"
              aria-selected={kind === option}
              onClick={() => setKind(option)}
            >
              {option === "url" ? "Custom URL" : "GitHub repository_dispatch"}
            </button>
          ))}
        </div>
        {kind === "url" ? (
          <>
            <label className="field">
              <span>URL</span>
              <input
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://…"
                data-testid="launch-url"
              />
            </label>
            <label className="field">
              <span>
                Body template (JSON; {"{{field}}"}, {"{{agent_instance_id}}"}, {"{{agent_type}}"})
              </span>
              <textarea
                rows={5}
                value={template}
                onChange={(e) => setTemplate(e.target.value)}
                data-testid="launch-template"
              />
            </label>
          </>
        ) : (
          <>
            <label className="field">
              <span>Owner / repository</span>
              <span className="row">
                <input
                  value={owner}
                  onChange={(e) => setOwner(e.target.value)}
                  placeholder="owner"
                  aria-label="Owner"
                />
                <input
                  value={repo}
                  onChange={(e) => setRepo(e.target.value)}
                  placeholder="repository"
                  aria-label="Repository"
                />
              </span>
            </label>
            <label className="field">
              <span>Event type</span>
              <input value={eventType} onChange={(e) => setEventType(e.target.value)} />
            </label>
            <label className="field">
              <span>Token {current?.has_token ? "(stored; leave empty to keep it)" : ""}</span>
              <input type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" />
            </label>
          </>
        )}
        <label className="field">
          <span>Fields asked at Start (comma-separated names)</span>
          <input value={fields} onChange={(e) => setFields(e.target.value)} data-testid="launch-fields" />
        </label>
        <button type="submit" className="btn btn-sm" disabled={save.isPending}>
          Save launch target
        </button>
        {invalid || save.error ? (
          <p className="form-error" role="alert">
            {invalid ?? errorMessage(save.error)}
          </p>
        ) : null}
      </form>
      {current ? <StartAgent target={current} /> : null}
    </>
  );
}

/** The Start button with the target's runtime fields. */
function StartAgent({ target }: { target: LaunchTarget }) {
  const trpc = useTRPC();
  const launch = useMutation(trpc.launchAgent.mutationOptions());
  const [values, setValues] = useState<Record<string, string>>({});
  const start = (event: FormEvent) => {
    event.preventDefault();
    launch.mutate({ agent_type_id: target.agent_type_id, fields: values });
  };
  return (
    <form className="stack" onSubmit={start} data-testid="start-agent" style={{ marginTop: 16 }}>
      {target.fields.map((field) => (
        <label key={field.name} className="field">
          <span>{field.label ?? field.name}</span>
          <input
            value={values[field.name] ?? ""}
            onChange={(e) => setValues((current) => ({ ...current, [field.name]: e.target.value }))}
            required={field.required}
            data-testid={`start-field-${field.name}`}
          />
        </label>
      ))}
      <button type="submit" className="btn btn-primary btn-sm" disabled={launch.isPending} data-testid="start">
        <Play aria-hidden="true" />
        Start
      </button>
      {launch.data ? (
        <p className="muted" data-testid="started">
          Started: the launch is queued (see the delivery log). Instance id {launch.data.agent_instance_id}.
        </p>
      ) : null}
      {launch.error ? (
        <p className="form-error" role="alert">
          {errorMessage(launch.error)}
        </p>
      ) : null}
    </form>
  );
}
