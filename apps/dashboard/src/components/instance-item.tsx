import type { AgentInstance } from "@omnara/contracts";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { timeAgo } from "../lib/format-time.ts";
import { displayStatus, instanceTitle } from "../lib/instance-status.ts";
import { StatusPill } from "./status-pill.tsx";

/** One instance in a list; waiting ones stand out, since they are blocked on the user. */
export function InstanceItem({
  instance,
  now,
  actions,
}: {
  instance: AgentInstance;
  now: number;
  actions?: ReactNode;
}) {
  const waiting = displayStatus(instance, now) === "waiting";
  const preview = instance.latest_message?.replace(/\[(YES\/NO|OPTIONS|\/OPTIONS)\]/gi, " ").trim();
  const body = (
    <>
      <div className="instance-main">
        <span className="instance-name truncate">
          {instanceTitle(instance)}
          {instance.shared ? (
            <span
              className="shared-badge"
              data-testid="shared-badge"
              title={`Shared with you by ${instance.shared.owner_email}`}
            >
              Shared · {instance.shared.role === "WRITE" ? "can reply" : "view only"}
            </span>
          ) : null}
        </span>
        <span className="instance-preview truncate">{preview || "No messages yet"}</span>
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
