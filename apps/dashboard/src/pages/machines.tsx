import { limits } from "@omnara/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Monitor, Play } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ConfirmDialog } from "../components/dialog.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { fullDate, timeAgo } from "../lib/format-time.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import type { Machine } from "../lib/types.ts";
import { useNow } from "../lib/use-now.ts";

/** A machine's status is read from its last poll, so the list is read again every few seconds. */
const REFRESH_MS = 5000;

/** A branch name for the worktree, from the prompt's first words: the user may change it. */
export function proposeBranch(prompt: string): string {
  const words = prompt
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean)
    .slice(0, 5);
  return `omnara/${words.join("-") || "session"}`.slice(0, 60).replace(/[-/.]+$/, "");
}

function MachineStatus({ machine, now }: { machine: Machine; now: number }) {
  if (machine.status === "online") return <span className="pill pill-active">Online</span>;
  if (machine.status === "revoked") return <span className="pill pill-failed">Revoked</span>;
  return (
    <span className="pill pill-offline" title={fullDate(machine.last_seen_at)}>
      Asleep · seen {timeAgo(machine.last_seen_at, now)}
    </span>
  );
}

function StartSessionForm({ machines }: { machines: Machine[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const ids = { machine: useId(), project: useId(), agent: useId(), prompt: useId(), branch: useId(), tree: useId() };
  const usable = machines.filter((m) => m.status !== "revoked" && m.projects.length > 0);
  const [machineId, setMachineId] = useState(usable[0]?.id ?? "");
  const machine = usable.find((m) => m.id === machineId) ?? usable[0];
  const [projectId, setProjectId] = useState("");
  const project = machine?.projects.find((p) => p.id === projectId) ?? machine?.projects[0];
  const [prompt, setPrompt] = useState("");
  const [inWorktree, setInWorktree] = useState(false);
  const [branch, setBranch] = useState<string>();
  const start = useMutation(
    trpc.startMachineSession.mutationOptions({
      onSuccess: (started) => {
        void queryClient.invalidateQueries(trpc.listMachines.pathFilter());
        void navigate(`/instances/${started.agent_instance_id}`);
      },
    }),
  );
  if (!machine || !project) {
    return (
      <div className="card empty">
        <Monitor aria-hidden="true" />
        <p>
          No machine offers a project yet. On your computer run <code>omnara daemon login</code>,{" "}
          <code>omnara daemon add-project PATH</code> and <code>omnara daemon install</code>.
        </p>
      </div>
    );
  }
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const worktree = inWorktree && project.is_git ? { worktree: { branch: branch ?? proposeBranch(prompt) } } : {};
    start.mutate({
      machine_id: machine.id,
      project_id: project.id,
      agent: "claude",
      prompt: prompt.trim(),
      ...worktree,
    });
  };
  return (
    <form
      className="card"
      style={{ padding: 16, display: "grid", gap: 12 }}
      onSubmit={onSubmit}
      aria-label="Start a session"
    >
      <div style={{ display: "grid", gap: 12, gridTemplateColumns: "repeat(auto-fit, minmax(180px, 1fr))" }}>
        <label className="field" htmlFor={ids.machine}>
          <span>Machine</span>
          <select
            id={ids.machine}
            className="select"
            value={machine.id}
            onChange={(e) => {
              setMachineId(e.target.value);
              setProjectId("");
            }}
          >
            {usable.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.status})
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={ids.project}>
          <span>Project</span>
          <select id={ids.project} className="select" value={project.id} onChange={(e) => setProjectId(e.target.value)}>
            {machine.projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} — {p.path}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={ids.agent}>
          <span>Agent</span>
          <select id={ids.agent} className="select" defaultValue="claude">
            <option value="claude">Claude Code</option>
          </select>
        </label>
      </div>
      <label className="field" htmlFor={ids.prompt}>
        <span>First prompt</span>
        <textarea
          id={ids.prompt}
          className="textarea"
          rows={3}
          required
          maxLength={limits.messageChars}
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          placeholder="What should the agent do?"
        />
      </label>
      {project.is_git ? (
        <div style={{ display: "grid", gap: 8 }}>
          <label htmlFor={ids.tree} style={{ display: "flex", gap: 8, alignItems: "center" }}>
            <input
              id={ids.tree}
              type="checkbox"
              checked={inWorktree}
              onChange={(e) => setInWorktree(e.target.checked)}
            />
            <span>In a new git worktree (your checkout is not touched)</span>
          </label>
          {inWorktree ? (
            <label className="field" htmlFor={ids.branch}>
              <span>Branch</span>
              <input
                id={ids.branch}
                className="input"
                value={branch ?? proposeBranch(prompt)}
                onChange={(e) => setBranch(e.target.value)}
                required
              />
            </label>
          ) : null}
        </div>
      ) : null}
      {machine.status === "asleep" ? (
        <p className="muted">This machine is asleep: the session starts when it is back online.</p>
      ) : null}
      {start.error ? <p className="form-error">{errorMessage(start.error)}</p> : null}
      <div>
        <button type="submit" className="btn btn-primary" disabled={start.isPending || prompt.trim() === ""}>
          <Play aria-hidden="true" />
          Start session
        </button>
      </div>
    </form>
  );
}

function requestState(r: Machine["requests"][number]): string {
  if (!r.done_at) return r.delivered_at ? "delivered" : "waiting for the machine";
  return r.outcome === "expired" ? "expired: the machine did not pick it up in time" : (r.outcome ?? "done");
}

function MachineCard({ machine, now, onRevoke }: { machine: Machine; now: number; onRevoke: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stop = useMutation(
    trpc.stopMachineSession.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.listMachines.pathFilter()),
    }),
  );
  const running = machine.sessions.filter((s) => s.state === "RUNNING" || s.state === "STARTING");
  // Starts that never ran: the machine slept past their lifetime, or refused them.
  const notStarted = machine.sessions.filter((s) => s.state === "EXPIRED" || (s.state === "FAILED" && s.error));
  const projectName = (id: string | null) => machine.projects.find((p) => p.id === id)?.name ?? "a removed project";
  return (
    <section
      className="card"
      style={{ padding: 16, display: "grid", gap: 10 }}
      data-testid="machine"
      aria-label={machine.name}
    >
      <div style={{ display: "flex", gap: 10, alignItems: "center", flexWrap: "wrap" }}>
        <h2 style={{ margin: 0, fontSize: "1.05rem" }}>{machine.name}</h2>
        <MachineStatus machine={machine} now={now} />
        <span className="muted">
          {machine.os} · omnara {machine.version}
        </span>
        {machine.status !== "revoked" ? (
          <button type="button" className="btn btn-sm btn-danger" style={{ marginLeft: "auto" }} onClick={onRevoke}>
            Revoke
          </button>
        ) : null}
      </div>
      <div>
        <h3 className="section-title" style={{ margin: "4px 0" }}>
          Projects
        </h3>
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {machine.projects.map((p) => (
            <li key={p.id}>
              {p.name} <span className="muted">{p.path}</span>
              {p.is_git ? <span className="muted"> · git</span> : null}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3 className="section-title" style={{ margin: "4px 0" }}>
          Running sessions
        </h3>
        {running.length === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            None.
          </p>
        ) : (
          <ul style={{ margin: 0, paddingLeft: 18 }} aria-label={`Running sessions on ${machine.name}`}>
            {running.map((s) => (
              <li key={s.agent_instance_id} data-testid="machine-session">
                <Link to={`/instances/${s.agent_instance_id}`}>{projectName(s.project_id)}</Link>
                {s.branch ? <span className="muted"> · {s.branch}</span> : null}
                <span className="muted"> · {s.state === "STARTING" ? "starting" : "running"}</span>{" "}
                <button
                  type="button"
                  className="btn btn-sm"
                  disabled={stop.isPending}
                  onClick={() => stop.mutate({ agent_instance_id: s.agent_instance_id })}
                >
                  Stop
                </button>
              </li>
            ))}
          </ul>
        )}
        {stop.error ? <p className="form-error">{errorMessage(stop.error)}</p> : null}
      </div>
      {notStarted.length > 0 ? (
        <div>
          <h3 className="section-title" style={{ margin: "4px 0" }}>
            Not started
          </h3>
          <ul style={{ margin: 0, paddingLeft: 18 }} aria-label={`Starts that did not run on ${machine.name}`}>
            {notStarted.map((s) => (
              <li key={s.agent_instance_id} data-testid="machine-session-not-started" data-state={s.state}>
                <Link to={`/instances/${s.agent_instance_id}`}>{projectName(s.project_id)}</Link>
                {s.branch ? <span className="muted"> · {s.branch}</span> : null}
                <span className="muted"> · {s.state === "EXPIRED" ? "expired" : "failed"}</span>
                {s.error ? <div className="muted">{s.error}</div> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {machine.requests.length > 0 ? (
        <details>
          <summary className="muted">Starts and stops ({machine.requests.length})</summary>
          <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
            {machine.requests.map((r) => (
              <li key={r.id} className="muted" title={r.user_agent ?? undefined}>
                {r.kind} by {r.requested_by ?? "?"} {timeAgo(r.created_at, now)}
                {r.client_address ? ` from ${r.client_address}` : ""} — {requestState(r)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

export default function Machines() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const machines = useQuery({ ...trpc.listMachines.queryOptions({}), refetchInterval: REFRESH_MS });
  const [revoking, setRevoking] = useState<Machine>();
  const revoke = useMutation(
    trpc.revokeApiKey.mutationOptions({
      onSuccess: () => {
        setRevoking(undefined);
        void queryClient.invalidateQueries(trpc.listMachines.pathFilter());
        void queryClient.invalidateQueries(trpc.listApiKeys.pathFilter());
      },
    }),
  );
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Machines</h1>
          <p className="muted">
            Computers running <code>omnara daemon</code>. Start Claude Code in one of their projects from here or your
            phone; it runs on that machine and shows up as an instance.
          </p>
        </div>
      </div>
      {machines.isPending ? (
        <Loading />
      ) : machines.error ? (
        <ErrorState error={machines.error} retry={() => void machines.refetch()} />
      ) : (
        <div className="stack">
          <h2 className="section-title">Start a session</h2>
          <StartSessionForm machines={machines.data} />
          <h2 className="section-title">Your machines</h2>
          {machines.data.length === 0 ? (
            <div className="card empty">
              <p>No machine yet.</p>
            </div>
          ) : (
            machines.data.map((m) => <MachineCard key={m.id} machine={m} now={now} onRevoke={() => setRevoking(m)} />)
          )}
        </div>
      )}
      <ConfirmDialog
        open={revoking !== undefined}
        title="Revoke this machine?"
        body={
          <>
            Its daemon is refused from the next call on and the sessions it runs stop. Sign it in again with{" "}
            <code>omnara daemon login</code>.
            {revoke.error ? <p className="form-error">{errorMessage(revoke.error)}</p> : null}
          </>
        }
        confirmLabel="Revoke"
        danger
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.api_key_id })}
        onCancel={() => setRevoking(undefined)}
      />
    </>
  );
}
