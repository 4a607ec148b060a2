import type { Team, TeamMember, TeamRole } from "@omnara/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog } from "../components/dialog.tsx";
import { Refusal } from "../components/refusal.tsx";
import { fullDate } from "../lib/format-time.ts";
import { useTRPC } from "../lib/trpc.ts";
import { assignableRoles, canRemove, roleLabels } from "./team-rules.ts";

const memberName = (member: TeamMember) => member.display_name ?? member.email;

function MemberRow({
  team,
  member,
  me,
  onRemove,
}: {
  team: Team;
  member: TeamMember;
  me: boolean;
  onRemove: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roleId = useId();
  const change = useMutation(
    trpc.changeTeamRole.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.getTeam.queryFilter({ team_id: team.id })),
    }),
  );
  const roles = assignableRoles(team.role, member.role);
  const name = memberName(member);

  return (
    <li className="key-row" data-testid="team-member" data-user-id={member.user_id}>
      <span className="key-name truncate">
        {name}
        {me ? <span className="subtle"> (you)</span> : null}
      </span>
      <span className="key-facts">
        {member.display_name ? <span>{member.email}</span> : null}
        <span title={fullDate(member.joined_at)}>Joined {fullDate(member.joined_at)}</span>
      </span>
      {roles.length > 0 ? (
        <label className="row" htmlFor={roleId} style={{ gap: 6 }}>
          <span className="visually-hidden">Role of {name}</span>
          {/* The server's role shows until it accepts a change: a refused one does not stick. */}
          <select
            id={roleId}
            className="select"
            value={member.role}
            disabled={change.isPending}
            onChange={(event) => {
              const role = roles.find((r) => r === event.target.value);
              if (role) change.mutate({ team_id: team.id, user_id: member.user_id, role });
            }}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {roleLabels[role]}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <span className="pill" data-testid="member-role">
          {roleLabels[member.role]}
        </span>
      )}
      {!me && canRemove(team.role, member.role) ? (
        <button
          type="button"
          className="btn btn-sm btn-ghost btn-danger"
          aria-label={`Remove ${name} from the team`}
          onClick={onRemove}
        >
          Remove
        </button>
      ) : null}
      {change.error ? (
        <div style={{ flexBasis: "100%" }}>
          <Refusal error={change.error} />
        </div>
      ) : null}
    </li>
  );
}

/** The team's members and their roles, with the role and removal controls the caller's role allows. */
export function TeamMembers({ team, members, myId }: { team: Team; members: TeamMember[]; myId: string | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<TeamMember>();
  const remove = useMutation(
    trpc.removeTeamMember.mutationOptions({
      onSuccess: () => {
        setRemoving(undefined);
        void queryClient.invalidateQueries(trpc.getTeam.queryFilter({ team_id: team.id }));
        void queryClient.invalidateQueries(trpc.listTeams.pathFilter());
      },
    }),
  );
  const byRole = (role: TeamRole) => members.filter((m) => m.role === role);
  const ordered = [...byRole("owner"), ...byRole("admin"), ...byRole("member")];

  return (
    <>
      <ul className="card plain-list" aria-label="Members">
        {ordered.map((member) => (
          <MemberRow
            key={member.user_id}
            team={team}
            member={member}
            me={member.user_id === myId}
            onRemove={() => {
              remove.reset();
              setRemoving(member);
            }}
          />
        ))}
      </ul>
      <ConfirmDialog
        open={removing !== undefined}
        title="Remove from the team?"
        body={
          <>
            {removing ? memberName(removing) : ""} loses what “{team.name}” shares from their next call on.
            <Refusal error={remove.error} />
          </>
        }
        confirmLabel="Remove"
        danger
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate({ team_id: team.id, user_id: removing.user_id })}
        onCancel={() => setRemoving(undefined)}
      />
    </>
  );
}
