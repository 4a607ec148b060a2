import type { AuditEntry } from "@omnara/contracts";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fullDate } from "../lib/format-time.ts";
import { session } from "../lib/session.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { deviceName } from "./security.tsx";

export const actionLabels: Record<AuditEntry["action"], string> = {
  "message.reply": "Replied",
  "question.answer": "Answered a question",
  "instance.mark_completed": "Marked completed",
  "instance.delete": "Deleted an instance",
  "instance.rename": "Renamed an instance",
  "instance.share": "Shared an instance",
  "instance.unshare": "Stopped sharing",
  "instance.interrupt": "Interrupted an agent",
  "instance.stop": "Stopped an agent",
  "instance.launch": "Launched an agent",
  "api_key.create": "Created an API key",
  "api_key.revoke": "Revoked an API key",
  "cli_login.approve": "Approved a CLI sign-in",
  "cli_login.deny": "Denied a CLI sign-in",
  "session.revoke": "Signed a session out",
  "account.sign_out_everywhere": "Signed out everywhere",
  "account.password_change": "Changed the password",
  "account.password_reset": "Reset the password",
  "team.create": "Created a team",
  "team.invite": "Invited to a team",
  "team.invite_cancel": "Cancelled a team invite",
  "team.join": "Joined a team",
  "team.decline": "Declined a team invite",
  "team.role_change": "Changed a team role",
  "team.remove": "Removed from a team",
  "team.leave": "Left a team",
  "team.share": "Shared with a team",
  "team.unshare": "Stopped sharing with a team",
  "team.delete": "Deleted a team",
};

/** The decision's facts in a line: a new name, a share's email and role, a key's name. */
export const details = (entry: AuditEntry): string =>
  Object.entries(entry.detail)
    .filter(([key, value]) => value !== null && !key.endsWith("_id"))
    .map(([key, value]) => `${key.replace(/_/g, " ")}: ${String(value)}`)
    .join(" · ");

/** One decision: what, its facts, then when, who, from which device and address. */
export function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <li data-testid="audit-row">
      <div>
        <strong>{actionLabels[entry.action]}</strong>
        {details(entry) ? <span className="muted"> — {details(entry)}</span> : null}
      </div>
      <div className="muted">
        {fullDate(entry.created_at)} · {entry.actor_email ?? "a deleted account"} · {deviceName(entry.user_agent)}
        {entry.client_address ? ` · ${entry.client_address}` : ""}
      </div>
    </li>
  );
}

/** A paged audit query (the account's or a team's), as its pages come in. */
interface PagedAudit {
  data?: { pages: { entries: AuditEntry[] }[] } | undefined;
  error: unknown;
  isSuccess: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** The entries of a paged audit, newest first, with "Show older" while there are more. */
export function AuditPages({ audit }: { audit: PagedAudit }) {
  const entries = audit.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <>
      {audit.error ? (
        <p className="form-error" role="alert">
          {errorMessage(audit.error)}
        </p>
      ) : null}
      {entries.length === 0 && audit.isSuccess ? <p className="muted">Nothing yet.</p> : null}
      <ul className="audit-list">
        {entries.map((entry) => (
          <AuditRow key={entry.id} entry={entry} />
        ))}
      </ul>
      {audit.hasNextPage ? (
        <button
          type="button"
          className="btn"
          onClick={() => void audit.fetchNextPage()}
          disabled={audit.isFetchingNextPage}
        >
          Show older
        </button>
      ) : null}
    </>
  );
}

async function download(format: "csv" | "json"): Promise<void> {
  const response = await fetch(`/api/v1/audit/export?format=${format}`, {
    headers: { authorization: `Bearer ${session.get() ?? ""}` },
  });
  if (!response.ok) throw new Error(`The export failed (${response.status}); try again.`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `omnara-audit.${format}`;
  link.click();
  URL.revokeObjectURL(url);
}

/** Settings → Audit: every decision on the account and its instances, newest first. */
export function Audit() {
  const trpc = useTRPC();
  const [exportError, setExportError] = useState<string>();
  const audit = useInfiniteQuery(
    trpc.listAudit.infiniteQueryOptions({ limit: 25 }, { getNextPageParam: (page) => page.next_cursor ?? undefined }),
  );
  const exportAs = (format: "csv" | "json") => {
    setExportError(undefined);
    download(format).catch((error: unknown) => setExportError(error instanceof Error ? error.message : String(error)));
  };

  return (
    <div className="card stack" data-testid="audit">
      <p className="muted">
        Every decision taken on your account and instances: who, from which device and address, and when.
      </p>
      <div className="row">
        <button type="button" className="btn" onClick={() => exportAs("csv")}>
          Export CSV
        </button>
        <button type="button" className="btn" onClick={() => exportAs("json")}>
          Export JSON
        </button>
      </div>
      {exportError ? (
        <p className="form-error" role="alert">
          {exportError}
        </p>
      ) : null}
      <AuditPages audit={audit} />
    </div>
  );
}
