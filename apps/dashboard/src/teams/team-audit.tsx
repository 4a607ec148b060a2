import { useInfiniteQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { AuditRow } from "../settings/audit.tsx";

/** The team's decisions, newest first (admins and owners): who joined, changed, shared, left. */
export function TeamAudit({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const audit = useInfiniteQuery(
    trpc.listTeamAudit.infiniteQueryOptions(
      { team_id: teamId, limit: 25 },
      { getNextPageParam: (page) => page.next_cursor ?? undefined },
    ),
  );
  const entries = audit.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <div className="card stack" style={{ padding: 16 }} data-testid="team-audit">
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
    </div>
  );
}
