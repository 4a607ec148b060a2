import type { ShareRole, TeamDetail } from "@omnara/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { Refusal } from "../components/refusal.tsx";
import { useTRPC } from "../lib/trpc.ts";

export const accessLabels: Record<ShareRole, string> = { READ: "view only", WRITE: "can reply" };

/** What members share with the team; whoever shared one may stop sharing it here. */
export function TeamShared({ detail, myEmail }: { detail: TeamDetail; myEmail: string | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const teamId = detail.team.id;
  const onSettled = () => {
    void queryClient.invalidateQueries(trpc.getTeam.queryFilter({ team_id: teamId }));
    void queryClient.invalidateQueries(trpc.listShares.pathFilter());
    void queryClient.invalidateQueries(trpc.listAgentTypeTeamShares.pathFilter());
  };
  const revokeInstance = useMutation(trpc.revokeInstanceTeamShare.mutationOptions({ onSettled }));
  const revokeType = useMutation(trpc.revokeAgentTypeTeamShare.mutationOptions({ onSettled }));
  const { instance_shares: instances, agent_type_shares: types } = detail;

  if (instances.length === 0 && types.length === 0) {
    return (
      <p className="muted">
        Nothing is shared with this team yet. Share an instance from its Share button, or an agent type from its card on
        the overview.
      </p>
    );
  }
  return (
    <div className="card">
      <ul className="plain-list" aria-label="Shared with the team">
        {types.map((share) => (
          <li key={`type-${share.agent_type_id}`} className="key-row" data-testid="team-type-share">
            <span className="key-name truncate">Every {share.agent_type_name} instance</span>
            <span className="key-facts">
              <span>{accessLabels[share.access]}</span>
              <span>from {share.owner_email}</span>
            </span>
            {share.owner_email === myEmail ? (
              <button
                type="button"
                className="btn btn-sm btn-ghost btn-danger"
                disabled={revokeType.isPending}
                aria-label={`Stop sharing ${share.agent_type_name} with the team`}
                onClick={() => revokeType.mutate({ agent_type_id: share.agent_type_id, team_id: teamId })}
              >
                Stop sharing
              </button>
            ) : null}
          </li>
        ))}
        {instances.map((share) => {
          const name = share.instance_name ?? "Untitled instance";
          return (
            <li key={`instance-${share.agent_instance_id}`} className="key-row" data-testid="team-instance-share">
              <Link to={`/instances/${share.agent_instance_id}`} className="key-name truncate">
                {name}
              </Link>
              <span className="key-facts">
                <span>{accessLabels[share.access]}</span>
                <span>from {share.owner_email}</span>
              </span>
              {share.owner_email === myEmail ? (
                <button
                  type="button"
                  className="btn btn-sm btn-ghost btn-danger"
                  disabled={revokeInstance.isPending}
                  aria-label={`Stop sharing ${name} with the team`}
                  onClick={() => revokeInstance.mutate({ agent_instance_id: share.agent_instance_id, team_id: teamId })}
                >
                  Stop sharing
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {revokeInstance.error || revokeType.error ? (
        <div style={{ padding: "0 16px 16px" }}>
          <Refusal error={revokeInstance.error ?? revokeType.error} />
        </div>
      ) : null}
    </div>
  );
}
