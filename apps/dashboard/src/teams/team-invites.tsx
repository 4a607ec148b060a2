import type { Team, TeamInvite } from "@omnara/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { Refusal } from "../components/refusal.tsx";
import { fullDate } from "../lib/format-time.ts";
import { useTRPC } from "../lib/trpc.ts";
import { canManage, invitableRoles, roleLabels } from "./team-rules.ts";

function InviteForm({ team }: { team: Team }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { email: useId(), role: useId() };
  const roles = invitableRoles(team.role);
  const invite = useMutation(
    trpc.inviteTeamMember.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.getTeam.queryFilter({ team_id: team.id })),
    }),
  );
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const role = roles.find((r) => r === form.get("role")) ?? "member";
    if (email) invite.mutate({ team_id: team.id, email, role }, { onSuccess: () => event.currentTarget?.reset() });
  };
  return (
    <form className="stack" style={{ padding: 16 }} onSubmit={onSubmit} aria-label="Invite to the team">
      <div className="row" style={{ gap: 8, alignItems: "flex-end", flexWrap: "wrap" }}>
        <label className="field" htmlFor={ids.email} style={{ flex: "1 1 220px" }}>
          <span>Email</span>
          <input id={ids.email} className="input" name="email" type="email" required placeholder="name@example.com" />
        </label>
        <label className="field" htmlFor={ids.role}>
          <span>Role</span>
          <select id={ids.role} className="select" name="role" defaultValue="member">
            {roles.map((role) => (
              <option key={role} value={role}>
                {roleLabels[role]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={invite.isPending}>
          Invite
        </button>
      </div>
      <Refusal error={invite.error} />
    </form>
  );
}

/** Invite by email (admins and owners) and the invites not yet answered, which they may withdraw. */
export function TeamInvites({ team, invites }: { team: Team; invites: TeamInvite[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.cancelTeamInvite.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.getTeam.queryFilter({ team_id: team.id })),
    }),
  );
  const manage = canManage(team.role);
  if (!manage && invites.length === 0) return <p className="muted">No pending invites.</p>;
  return (
    <div className="card">
      {manage ? <InviteForm team={team} /> : null}
      <ul className="plain-list" aria-label="Pending invites">
        {invites.map((invite) => (
          <li key={invite.id} className="key-row" data-testid="pending-invite" data-invite-id={invite.id}>
            <span className="key-name truncate">{invite.email}</span>
            <span className="key-facts">
              <span>As {roleLabels[invite.role].toLowerCase()}</span>
              {invite.pending_account ? <span>Waiting for sign-up</span> : <span>Waiting for an answer</span>}
              <span>Sent {fullDate(invite.created_at)}</span>
            </span>
            {manage ? (
              <button
                type="button"
                className="btn btn-sm btn-ghost btn-danger"
                aria-label={`Cancel the invite to ${invite.email}`}
                disabled={cancel.isPending}
                onClick={() => cancel.mutate({ team_id: team.id, invite_id: invite.id })}
              >
                Cancel invite
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {cancel.error ? (
        <div style={{ padding: "0 16px 16px" }}>
          <Refusal error={cancel.error} />
        </div>
      ) : null}
    </div>
  );
}
