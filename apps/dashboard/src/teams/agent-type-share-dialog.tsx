import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Dialog } from "../components/dialog.tsx";
import { useTRPC } from "../lib/trpc.ts";
import { TeamShareSection } from "./team-share-section.tsx";

/** Share every instance of an agent type, present and future, with teams; or stop. */
export function AgentTypeShareDialog({ type, onClose }: { type: { id: string; name: string }; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = { agent_type_id: type.id };
  const shares = useQuery(trpc.listAgentTypeTeamShares.queryOptions(key));
  const onSuccess = () => {
    void queryClient.invalidateQueries(trpc.listAgentTypeTeamShares.queryFilter(key));
    void queryClient.invalidateQueries(trpc.getTeam.pathFilter());
  };
  const share = useMutation(trpc.shareAgentTypeWithTeam.mutationOptions({ onSuccess }));
  const revoke = useMutation(trpc.revokeAgentTypeTeamShare.mutationOptions({ onSuccess }));

  return (
    <Dialog open onClose={onClose} label="Share agent type">
      <div className="dialog-body">
        <h2>Share every “{type.name}” instance</h2>
        <p className="muted">
          The team's members get each of its instances, those running now and those started later, to follow live or to
          answer. Only you rename, delete or share them.
        </p>
        <TeamShareSection
          shares={shares.data?.shares ?? []}
          share={{
            mutate: (args) => share.mutate({ ...key, ...args }),
            isPending: share.isPending,
            error: share.error,
          }}
          revoke={{
            mutate: (args) => revoke.mutate({ ...key, ...args }),
            isPending: revoke.isPending,
            error: revoke.error,
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
