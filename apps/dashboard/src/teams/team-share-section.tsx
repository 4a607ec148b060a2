import type { ShareRole } from "@omnara/contracts";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { Link } from "react-router";
import { Refusal } from "../components/refusal.tsx";
import { useTRPC } from "../lib/trpc.ts";

const accessLabel: Record<ShareRole, string> = { READ: "Can view", WRITE: "Can reply" };

export interface TeamShareRow {
  team_id: string;
  team_name: string;
  access: ShareRole;
}

interface Action<Args> {
  mutate: (args: Args) => void;
  isPending: boolean;
  error: unknown;
}

/**
 * "Share with team" in a share dialog: pick one of the caller's teams and READ or WRITE, see the
 * teams it is shared with, stop sharing. Its own form: it sits beside the email form, not in it.
 */
export function TeamShareSection({
  shares,
  share,
  revoke,
}: {
  shares: TeamShareRow[];
  share: Action<{ team_id: string; access: ShareRole }>;
  revoke: Action<{ team_id: string }>;
}) {
  const trpc = useTRPC();
  const teams = useQuery(trpc.listTeams.queryOptions({}));
  const ids = { team: useId(), access: useId() };
  const mine = teams.data?.teams ?? [];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const team = mine.find((t) => t.id === form.get("team"));
    if (team) share.mutate({ team_id: team.id, access: form.get("access") === "WRITE" ? "WRITE" : "READ" });
  };

  return (
    <section className="team-share stack" aria-label="Share with a team">
      <h3 style={{ margin: 0, fontSize: "0.95rem" }}>Share with a team</h3>
      {teams.isSuccess && mine.length === 0 ? (
        <p className="muted">
          You are in no team yet. <Link to="/teams">Create one</Link> to share with everyone in it at once.
        </p>
      ) : (
        <form className="row" style={{ gap: 8, alignItems: "flex-end", flexWrap: "wrap" }} onSubmit={onSubmit}>
          <label className="field" htmlFor={ids.team} style={{ flex: "1 1 160px" }}>
            <span>Team</span>
            <select id={ids.team} className="input" name="team" required>
              {mine.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </label>
          {/* Not labelled "Access": the email form's picker is, and each label names one control. */}
          <label className="field" htmlFor={ids.access}>
            <span>Permission</span>
            <select id={ids.access} className="input" name="access" defaultValue="READ">
              <option value="READ">{accessLabel.READ}</option>
              <option value="WRITE">{accessLabel.WRITE}</option>
            </select>
          </label>
          <button type="submit" className="btn" disabled={share.isPending || mine.length === 0}>
            Share with team
          </button>
        </form>
      )}
      <Refusal error={share.error} />
      {shares.length > 0 ? (
        <ul className="share-list" aria-label="Shared with teams">
          {shares.map((row) => (
            <li
              key={row.team_id}
              className="row"
              data-testid="team-share-row"
              style={{ justifyContent: "space-between" }}
            >
              <span className="truncate">
                Team {row.team_name} · {accessLabel[row.access]}
              </span>
              <button
                type="button"
                className="btn btn-ghost btn-sm btn-danger"
                aria-label={`Stop sharing with team ${row.team_name}`}
                disabled={revoke.isPending}
                onClick={() => revoke.mutate({ team_id: row.team_id })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <Refusal error={revoke.error} />
    </section>
  );
}
