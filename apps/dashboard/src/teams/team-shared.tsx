import type { ShareRole, TeamDetail } from "@omnara/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { Refusal } from "../components/refusal.tsx";
import { useTRPC } from "../lib/trpc.ts";

export const accessLabels: Record<ShareRole, string> = { READ: "view only", WRITE: "can reply" };

/** One thing shared with the team: what, with which access, from whom; its owner may stop sharing it. */
function SharedRow(props: {
  testId: string;
  title: ReactNode;
  name: string;
  share: { access: ShareRole; owner_email: string };
  mine: boolean;
  stopping: boolean;
  onStop: () => void;
}) {
  return (
    <li className="key-row" data-testid={props.testId}>
      {props.title}
      <span className="key-facts">
        <span>{accessLabels[props.share.access]}</span>
        <span>from {props.share.owner_email}</span>
      </span>
      {props.mine ? (
        <button
          type="button"
          className="btn btn-sm btn-ghost btn-danger"
          disabled={props.stopping}
          aria-label={`Stop sharing ${props.name} with the team`}
          onClick={props.onStop}
        >
          Stop sharing
        </button>
      ) : null}
    </li>
  );
}

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
          <SharedRow
            key={`type-${share.agent_type_id}`}
            testId="team-type-share"
            title={<span className="key-name truncate">Every {share.agent_type_name} instance</span>}
            name={share.agent_type_name}
            share={share}
            mine={share.owner_email === myEmail}
            stopping={revokeType.isPending}
            onStop={() => revokeType.mutate({ agent_type_id: share.agent_type_id, team_id: teamId })}
          />
        ))}
        {instances.map((share) => {
          const name = share.instance_name ?? "Untitled instance";
          return (
            <SharedRow
              key={`instance-${share.agent_instance_id}`}
              testId="team-instance-share"
              title={
                <Link to={`/instances/${share.agent_instance_id}`} className="key-name truncate">
                  {name}
                </Link>
              }
              name={name}
              share={share}
              mine={share.owner_email === myEmail}
              stopping={revokeInstance.isPending}
              onStop={() => revokeInstance.mutate({ agent_instance_id: share.agent_instance_id, team_id: teamId })}
            />
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
