import { limits, type TeamInvite } from "@omnara/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Users } from "lucide-react";
import { type FormEvent, useId } from "react";
import { Link, useNavigate } from "react-router";
import { Refusal } from "../components/refusal.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { useTRPC } from "../lib/trpc.ts";
import { roleLabels } from "../teams/team-rules.ts";

function CreateTeamForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const nameId = useId();
  const create = useMutation(
    trpc.createTeam.mutationOptions({
      onSuccess: (team) => {
        void queryClient.invalidateQueries(trpc.listTeams.pathFilter());
        void navigate(`/teams/${team.id}`);
      },
    }),
  );
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (name) create.mutate({ name });
  };
  return (
    <form className="card stack" style={{ padding: 16 }} onSubmit={onSubmit} aria-label="Create a team">
      <div className="row" style={{ gap: 8, alignItems: "flex-end", flexWrap: "wrap" }}>
        <label className="field" htmlFor={nameId} style={{ flex: "1 1 220px" }}>
          <span>Team name</span>
          <input
            id={nameId}
            className="input"
            name="name"
            placeholder="e.g. Platform"
            maxLength={limits.nameChars}
            required
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          <Plus aria-hidden="true" />
          Create team
        </button>
      </div>
      <Refusal error={create.error} />
    </form>
  );
}

/** An invite waiting on the user's email: join with its role, or decline. */
function InviteRow({ invite }: { invite: TeamInvite }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries(trpc.listTeams.pathFilter());
  const accept = useMutation(trpc.acceptTeamInvite.mutationOptions({ onSuccess: refresh }));
  const decline = useMutation(trpc.declineTeamInvite.mutationOptions({ onSuccess: refresh }));
  const busy = accept.isPending || decline.isPending;
  return (
    <li className="key-row" data-testid="team-invite" data-invite-id={invite.id}>
      <span className="key-name truncate">{invite.team_name}</span>
      <span className="key-facts">
        <span>As {roleLabels[invite.role].toLowerCase()}</span>
        {invite.invited_by_email ? <span>Invited by {invite.invited_by_email}</span> : null}
      </span>
      <span className="row" style={{ gap: 6 }}>
        <button
          type="button"
          className="btn btn-sm btn-primary"
          disabled={busy}
          aria-label={`Join ${invite.team_name}`}
          onClick={() => accept.mutate({ invite_id: invite.id })}
        >
          Accept
        </button>
        <button
          type="button"
          className="btn btn-sm"
          disabled={busy}
          aria-label={`Decline ${invite.team_name}`}
          onClick={() => decline.mutate({ invite_id: invite.id })}
        >
          Decline
        </button>
      </span>
      <div style={{ flexBasis: "100%" }}>
        <Refusal error={accept.error ?? decline.error} />
      </div>
    </li>
  );
}

/** The user's teams and the invites waiting on their email. */
export default function Teams() {
  const trpc = useTRPC();
  const teams = useQuery(trpc.listTeams.queryOptions({}));

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Teams</h1>
          <p className="muted">
            A team sees what its members share with it: instances and whole agent types, to follow or to answer.
          </p>
        </div>
      </div>
      {teams.isPending ? (
        <Loading />
      ) : teams.error ? (
        <ErrorState error={teams.error} retry={() => void teams.refetch()} />
      ) : (
        <>
          {teams.data.invites.length > 0 ? (
            <>
              <h2 className="section-title" style={{ marginTop: 0 }}>
                Invites for you
              </h2>
              <ul className="card plain-list" aria-label="Invites for you">
                {teams.data.invites.map((invite) => (
                  <InviteRow key={invite.id} invite={invite} />
                ))}
              </ul>
            </>
          ) : null}
          <h2 className="section-title">Your teams</h2>
          {teams.data.teams.length === 0 ? (
            <div className="card empty">
              <Users aria-hidden="true" />
              <p>You are in no team yet. Create one below, or accept an invite sent to your email.</p>
            </div>
          ) : (
            <ul className="card plain-list" aria-label="Your teams">
              {teams.data.teams.map((team) => (
                <li key={team.id} className="key-row" data-testid="team" data-team-id={team.id}>
                  <Link to={`/teams/${team.id}`} className="key-name truncate">
                    {team.name}
                  </Link>
                  <span className="key-facts">
                    <span>{roleLabels[team.role]}</span>
                    <span>
                      {team.member_count} {team.member_count === 1 ? "member" : "members"}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          )}
          <h2 className="section-title">New team</h2>
          <CreateTeamForm />
        </>
      )}
    </>
  );
}
