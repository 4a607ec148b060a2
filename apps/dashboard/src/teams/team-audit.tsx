import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "../lib/trpc.ts";
import { AuditPages } from "../settings/audit.tsx";

/** The team's decisions, newest first (admins and owners): who joined, changed, shared, left. */
export function TeamAudit({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const audit = useInfiniteQuery(
    trpc.listTeamAudit.infiniteQueryOptions(
      { team_id: teamId, limit: 25 },
      { getNextPageParam: (page) => page.next_cursor ?? undefined },
    ),
  );
  return (
    <div className="card stack" style={{ padding: 16 }} data-testid="team-audit">
      <AuditPages audit={audit} />
    </div>
  );
}
