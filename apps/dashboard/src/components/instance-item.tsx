import type { AgentInstance } from "@omnara/contracts";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { fullDate, timeAgo } from "../lib/format-time.ts";
import { displayStatus, instanceTitle, sharedBy, shortId } from "../lib/instance-status.ts";
import { plainPreview } from "../lib/plain-text.ts";
import { StatusPill } from "./status-pill.tsx";

interface Props {
  instance: AgentInstance;
  now: number;
  actions?: ReactNode;
  /** Another row has the same name: show this one's short id and start time. */
  disambiguate?: boolean;
  /** Bulk selection on the instances page. */
  selection?: { selected: boolean; toggle: () => void };
}

/** One instance in a list; waiting ones stand out, since they are blocked on the user. */
export function InstanceItem({ instance, now, actions, disambiguate = false, selection }: Props) {
  const waiting = displayStatus(instance, now) === "waiting";
  const preview = instance.latest_message ? plainPreview(instance.latest_message) : "";
  const title = instanceTitle(instance);
  const body = (
    <>
      <div className="instance-main">
        <span className="instance-name truncate">
          {title}
          {disambiguate ? (
            <span className="instance-tag" data-testid="instance-disambiguator" title={`Instance ${instance.id}`}>
              #{shortId(instance.id)} · started {fullDate(instance.started_at)}
            </span>
          ) : null}
          {instance.shared ? (
            <span
              className="shared-badge"
              data-testid="shared-badge"
              title={`Shared with you ${sharedBy(instance.shared)}`}
            >
              {instance.shared.team_name ? `Team ${instance.shared.team_name}` : "Shared"} ·{" "}
              {instance.shared.role === "WRITE" ? "can reply" : "view only"}
            </span>
          ) : null}
        </span>
        <span className="instance-preview truncate" data-testid="instance-preview">
          {preview || "No messages yet"}
        </span>
      </div>
      <div className="instance-meta">
        <StatusPill instance={instance} now={now} />
        <span className="subtle">{timeAgo(instance.latest_message_at ?? instance.started_at, now)}</span>
      </div>
    </>
  );
  const className = `instance-item ${waiting ? "is-waiting" : ""}`;
  if (!actions) {
    return (
      <li>
        <Link
          to={`/instances/${instance.id}`}
          className={className}
          data-testid="instance-item"
          data-instance-id={instance.id}
        >
          {body}
        </Link>
      </li>
    );
  }
  return (
    <li className={className} data-testid="instance-item" data-instance-id={instance.id}>
      {selection ? (
        <input
          type="checkbox"
          className="instance-select"
          checked={selection.selected}
          onChange={selection.toggle}
          aria-label={`Select ${title}${disambiguate ? ` #${shortId(instance.id)}` : ""}`}
          data-testid="instance-select"
        />
      ) : null}
      <Link
        to={`/instances/${instance.id}`}
        className="row"
        style={{ flex: 1, minWidth: 0, color: "inherit", textDecoration: "none", gap: 12 }}
      >
        {body}
      </Link>
      <div className="instance-actions">{actions}</div>
    </li>
  );
}
