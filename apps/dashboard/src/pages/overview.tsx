import { useQuery } from "@tanstack/react-query";
import { BellRing, Plug, Rocket, Share2 } from "lucide-react";
import { type CSSProperties, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { InstanceItem } from "../components/instance-item.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { instanceTitle, sharedTitles } from "../lib/instance-status.ts";
import { useTRPC } from "../lib/trpc.ts";
import type { AgentTypeOverview } from "../lib/types.ts";
import { useNow } from "../lib/use-now.ts";
import { AgentTypeShareDialog } from "../teams/agent-type-share-dialog.tsx";

function Stat({ label, value, tone, hot = false }: { label: string; value: number; tone: string; hot?: boolean }) {
  return (
    <div className={`card stat stat-${tone} ${hot ? "is-hot" : ""}`} data-testid={`stat-${tone}`}>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

/** A stable colour per agent type, so cards are told apart at a glance. */
function avatarColors(name: string): CSSProperties {
  const hue = [...name].reduce((hash, ch) => (hash * 31 + ch.charCodeAt(0)) % 360, 7);
  return { background: `hsl(${hue} 70% 55% / 0.14)`, color: `hsl(${hue} 55% 50%)` };
}

function AgentTypeCard({ type, onlyWaiting, now }: { type: AgentTypeOverview; onlyWaiting: boolean; now: number }) {
  const instances = onlyWaiting
    ? type.recent_instances.filter((i) => i.status === "AWAITING_INPUT")
    : type.recent_instances;
  const repeated = sharedTitles(instances);
  // "Active" as on the status pills: working and heard from; the waiting ones are in the pill beside.
  const active = type.active_instances - type.awaiting_input_instances;
  const [sharing, setSharing] = useState(false);
  return (
    <section className="card" aria-labelledby={`type-${type.id}`} data-testid="agent-type-card">
      <header className="agent-card-head">
        <span className="agent-avatar" aria-hidden="true" style={avatarColors(type.name)}>
          {type.name.slice(0, 1)}
        </span>
        <div style={{ flex: 1, minWidth: 0 }}>
          <h2 id={`type-${type.id}`} className="truncate">
            {type.name}
          </h2>
          <span className="subtle">
            {active} active · {type.total_instances} {type.total_instances === 1 ? "instance" : "instances"}
          </span>
        </div>
        {type.awaiting_input_instances > 0 ? (
          <span className="pill pill-waiting">{type.awaiting_input_instances} waiting</span>
        ) : null}
        <button
          type="button"
          className="btn btn-ghost btn-sm btn-icon"
          onClick={() => setSharing(true)}
          aria-label={`Share ${type.name} with a team`}
          title="Share with a team"
        >
          <Share2 aria-hidden="true" />
        </button>
      </header>
      {sharing ? <AgentTypeShareDialog type={type} onClose={() => setSharing(false)} /> : null}
      {instances.length > 0 ? (
        <ul className="instance-list">
          {instances.map((instance) => (
            <InstanceItem
              key={instance.id}
              instance={instance}
              now={now}
              disambiguate={repeated.has(instanceTitle(instance))}
            />
          ))}
        </ul>
      ) : (
        <p className="subtle" style={{ padding: 16 }}>
          No instances yet.
        </p>
      )}
    </section>
  );
}

function FirstRun() {
  return (
    <div className="card empty" style={{ padding: "48px 20px" }}>
      <Rocket aria-hidden="true" />
      <h2>No agents yet</h2>
      <p>Connect Claude Code, Cursor or your own agent; its steps and questions will show up here live.</p>
      <Link to="/onboarding" className="btn btn-primary">
        <Plug aria-hidden="true" />
        Connect an agent
      </Link>
    </div>
  );
}

export default function Overview() {
  const trpc = useTRPC();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const onlyWaiting = params.get("filter") === "waiting";
  // "Offline" follows the clock (no heartbeat for a minute), not only events: asked again every 30 s.
  const summary = useQuery(trpc.getSummary.queryOptions({}, { refetchInterval: 30_000 }));
  const types = useQuery(trpc.listAgentTypes.queryOptions({ recent_limit: 5 }));

  if (types.isPending || summary.isPending) return <Loading />;
  if (types.error || summary.error)
    return <ErrorState error={types.error ?? summary.error} retry={() => void types.refetch()} />;

  const waiting = summary.data.awaiting_input_instances;
  // Types with someone waiting come first; the server already puts waiting instances first.
  const ordered = [...types.data].sort(
    (a, b) => Number(b.awaiting_input_instances > 0) - Number(a.awaiting_input_instances > 0),
  );
  const shown = onlyWaiting ? ordered.filter((t) => t.awaiting_input_instances > 0) : ordered;
  const setFilter = (waitingOnly: boolean) => setParams(waitingOnly ? { filter: "waiting" } : {}, { replace: true });

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Command center</h1>
          <p className="muted">
            {waiting > 0
              ? `${waiting} ${waiting === 1 ? "instance is" : "instances are"} waiting for you.`
              : "All your agents' instances, live."}
          </p>
        </div>
        <Link to="/onboarding" className="btn">
          <Plug aria-hidden="true" />
          Connect an agent
        </Link>
      </div>
      <div className="stats">
        <Stat label="Waiting for you" value={waiting} tone="waiting" hot={waiting > 0} />
        <Stat label="Active" value={summary.data.working_instances} tone="active" />
        <Stat label="Offline" value={summary.data.offline_instances} tone="offline" />
        <Stat label="Completed" value={summary.data.completed_instances} tone="completed" />
        <Stat label="Failed" value={summary.data.failed_instances} tone="failed" />
      </div>
      {types.data.length === 0 ? (
        <FirstRun />
      ) : (
        <>
          <div className="toolbar">
            <fieldset className="segmented">
              <legend className="visually-hidden">Filter</legend>
              <button type="button" aria-pressed={!onlyWaiting} onClick={() => setFilter(false)}>
                All agents
              </button>
              <button type="button" aria-pressed={onlyWaiting} onClick={() => setFilter(true)}>
                <BellRing aria-hidden="true" width={14} height={14} />
                Waiting on me
                {waiting > 0 ? <span className="count count-amber">{waiting}</span> : null}
              </button>
            </fieldset>
          </div>
          {shown.length === 0 ? (
            <div className="card empty">
              <BellRing aria-hidden="true" />
              <p>Nothing is waiting on you. Nice.</p>
            </div>
          ) : (
            <div className="agent-grid">
              {shown.map((type) => (
                <AgentTypeCard key={type.id} type={type} onlyWaiting={onlyWaiting} now={now} />
              ))}
            </div>
          )}
        </>
      )}
    </>
  );
}
