import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, LogOut, Trash2 } from "lucide-react";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ConfirmDialog } from "../components/dialog.tsx";
import { Refusal } from "../components/refusal.tsx";
import { ErrorState, Loading, NotFound } from "../components/states.tsx";
import { errorCode, useTRPC } from "../lib/trpc.ts";
import { TeamAudit } from "../teams/team-audit.tsx";
import { TeamInvites } from "../teams/team-invites.tsx";
import { TeamMembers } from "../teams/team-members.tsx";
import { canDeleteTeam, canManage, roleLabels } from "../teams/team-rules.ts";
import { TeamShared } from "../teams/team-shared.tsx";

/** One team: members and roles, invites, what is shared with it, its audit; leave or delete. */
export default function TeamDetailPage() {
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const me = useQuery(trpc.me.queryOptions({}));
  const detail = useQuery(trpc.getTeam.queryOptions({ team_id: id }));
  const [confirm, setConfirm] = useState<"leave" | "delete">();
  const gone = () => {
    setConfirm(undefined);
    void queryClient.invalidateQueries(trpc.listTeams.pathFilter());
    queryClient.removeQueries(trpc.getTeam.queryFilter({ team_id: id }));
    void navigate("/teams", { replace: true });
  };
  const leave = useMutation(trpc.leaveTeam.mutationOptions({ onSuccess: gone }));
  const remove = useMutation(trpc.deleteTeam.mutationOptions({ onSuccess: gone }));

  if (detail.isPending) return <Loading />;
  // Removed from it, or it was deleted, while the page was open: the server answers as for a missing id.
  if (errorCode(detail.error) === "NOT_FOUND") {
    return <NotFound title="Team not found">It doesn’t exist, was deleted, or you are not in it.</NotFound>;
  }
  if (!detail.data) return <ErrorState error={detail.error} retry={() => void detail.refetch()} />;

  const { team } = detail.data;
  const pending = confirm === "leave" ? leave : remove;
  return (
    <>
      <div className="page-head">
        <div className="row" style={{ gap: 8 }}>
          <Link to="/teams" className="btn btn-ghost btn-icon" aria-label="Back to teams">
            <ArrowLeft aria-hidden="true" />
          </Link>
          <div style={{ minWidth: 0 }}>
            <h1 className="truncate" data-testid="team-name">
              {team.name}
            </h1>
            <p className="muted" data-testid="my-team-role">
              You are {roleLabels[team.role].toLowerCase()} · {team.member_count}{" "}
              {team.member_count === 1 ? "member" : "members"}
            </p>
          </div>
        </div>
        <div className="row" style={{ gap: 6 }}>
          <button
            type="button"
            className="btn"
            onClick={() => {
              leave.reset();
              setConfirm("leave");
            }}
          >
            <LogOut aria-hidden="true" />
            Leave team
          </button>
          {canDeleteTeam(team.role) ? (
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => {
                remove.reset();
                setConfirm("delete");
              }}
            >
              <Trash2 aria-hidden="true" />
              Delete team
            </button>
          ) : null}
        </div>
      </div>
      <h2 className="section-title" style={{ marginTop: 0 }}>
        Members
      </h2>
      <TeamMembers team={team} members={detail.data.members} myId={me.data?.id} />
      <h2 className="section-title">Invites</h2>
      <TeamInvites team={team} invites={detail.data.invites} />
      <h2 className="section-title">Shared with the team</h2>
      <TeamShared detail={detail.data} myEmail={me.data?.email} />
      {canManage(team.role) ? (
        <>
          <h2 className="section-title">Team audit</h2>
          <TeamAudit teamId={team.id} />
        </>
      ) : null}
      <ConfirmDialog
        open={confirm !== undefined}
        title={confirm === "delete" ? "Delete this team?" : "Leave this team?"}
        body={
          <>
            {confirm === "delete"
              ? `Every member loses what “${team.name}” shares, and its invites are void. This cannot be undone.`
              : `What “${team.name}” shares is no longer yours to see; someone must invite you again to rejoin.`}
            <Refusal error={pending.error} />
          </>
        }
        confirmLabel={confirm === "delete" ? "Delete team" : "Leave team"}
        danger
        busy={pending.isPending}
        onConfirm={() => pending.mutate({ team_id: team.id })}
        onCancel={() => setConfirm(undefined)}
      />
    </>
  );
}
