import type { AgentInstance, ShareRole } from "@omnara/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { instanceTitle } from "../lib/instance-status.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { TeamShareSection } from "../teams/team-share-section.tsx";
import { Dialog } from "./dialog.tsx";

const roleLabel: Record<ShareRole, string> = { READ: "Can view", WRITE: "Can reply" };

/** The owner's sharing of one instance: who has it, add someone by email or a team, revoke. */
export function ShareDialog({ instance, onClose }: { instance: AgentInstance; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const emailId = useId();
  const roleId = useId();
  const key = { agent_instance_id: instance.id };
  const shares = useQuery(trpc.listShares.queryOptions(key));
  const refresh = () => void queryClient.invalidateQueries(trpc.listShares.queryFilter(key));
  // A team's page lists what is shared with it.
  const refreshTeams = () => {
    refresh();
    void queryClient.invalidateQueries(trpc.getTeam.pathFilter());
  };
  const share = useMutation(trpc.shareInstance.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.revokeShare.mutationOptions({ onSuccess: refresh }));
  const shareWithTeam = useMutation(trpc.shareInstanceWithTeam.mutationOptions({ onSuccess: refreshTeams }));
  const revokeTeam = useMutation(trpc.revokeInstanceTeamShare.mutationOptions({ onSuccess: refreshTeams }));

  const onShare = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const role = form.get("role") === "WRITE" ? "WRITE" : "READ";
    if (email) share.mutate({ ...key, email, role }, { onSuccess: () => event.currentTarget?.reset() });
  };

  return (
    <Dialog open onClose={onClose} label="Share instance">
      <div className="dialog-body">
        <h2>Share “{instanceTitle(instance)}”</h2>
        <p className="muted">
          People you share with follow it live and are notified like you. “Can reply” also answers its questions. Only
          you rename, delete or share it.
        </p>
        <form className="stack" onSubmit={onShare}>
          <div className="row" style={{ gap: 8, alignItems: "flex-end" }}>
            <label className="field" htmlFor={emailId} style={{ flex: 1 }}>
              <span>Email</span>
              <input id={emailId} className="input" name="email" type="email" required placeholder="name@example.com" />
            </label>
            <label className="field" htmlFor={roleId}>
              <span>Access</span>
              <select id={roleId} className="input" name="role" defaultValue="READ">
                <option value="READ">{roleLabel.READ}</option>
                <option value="WRITE">{roleLabel.WRITE}</option>
              </select>
            </label>
            <button type="submit" className="btn btn-primary" disabled={share.isPending}>
              Share
            </button>
          </div>
          {share.error ? <p className="form-error">{errorMessage(share.error)}</p> : null}
        </form>
        <ul className="share-list" aria-label="Shared with">
          {(shares.data?.shares ?? []).map((row) => (
            <li key={row.id} className="row" data-testid="share-row" style={{ justifyContent: "space-between" }}>
              <span className="truncate">
                {row.email} · {roleLabel[row.role]}
                {row.pending ? <span className="subtle"> · waiting for sign-up</span> : null}
              </span>
              <button
                type="button"
                className="btn btn-ghost btn-sm btn-danger"
                aria-label={`Stop sharing with ${row.email}`}
                disabled={revoke.isPending}
                onClick={() => revoke.mutate({ ...key, share_id: row.id })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        {revoke.error ? <p className="form-error">{errorMessage(revoke.error)}</p> : null}
        <TeamShareSection
          shares={shares.data?.team_shares ?? []}
          share={{
            mutate: (args) => shareWithTeam.mutate({ ...key, ...args }),
            isPending: shareWithTeam.isPending,
            error: shareWithTeam.error,
          }}
          revoke={{
            mutate: (args) => revokeTeam.mutate({ ...key, ...args }),
            isPending: revokeTeam.isPending,
            error: revokeTeam.error,
          }}
        />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
