import { type AgentInstance, limits } from "@omnara/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Pencil, Trash2 } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { instanceTitle, isOpen } from "../lib/instance-status.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { ConfirmDialog, Dialog } from "./dialog.tsx";

type Pending = "rename" | "complete" | "delete" | undefined;

/** Rename, mark completed and delete, with their dialogs; used in lists and on the chat page. */
export function InstanceActions({
  instance,
  onDeleted,
  compact = true,
}: {
  instance: AgentInstance;
  onDeleted?: () => void;
  compact?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Pending>();
  const nameId = useId();
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.pathFilter());
    setPending(undefined);
  };
  const rename = useMutation(trpc.renameInstance.mutationOptions({ onSuccess: refresh }));
  const complete = useMutation(trpc.markCompleted.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(
    trpc.deleteInstance.mutationOptions({
      onSuccess: () => {
        refresh();
        onDeleted?.();
      },
    }),
  );
  const title = instanceTitle(instance);
  const error = rename.error ?? complete.error ?? remove.error;
  const size = compact ? "btn-sm btn-icon" : "btn-sm";

  const onRename = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (name) rename.mutate({ agent_instance_id: instance.id, name });
  };

  return (
    <>
      <button
        type="button"
        className={`btn btn-ghost ${size}`}
        onClick={() => setPending("rename")}
        aria-label={`Rename ${title}`}
        title="Rename"
      >
        <Pencil aria-hidden="true" />
        {compact ? null : "Rename"}
      </button>
      {isOpen(instance) ? (
        <button
          type="button"
          className={`btn btn-ghost ${size}`}
          onClick={() => setPending("complete")}
          aria-label={`Mark ${title} completed`}
          title="Mark completed"
        >
          <CircleCheck aria-hidden="true" />
          {compact ? null : "Complete"}
        </button>
      ) : null}
      <button
        type="button"
        className={`btn btn-ghost btn-danger ${size}`}
        onClick={() => setPending("delete")}
        aria-label={`Delete ${title}`}
        title="Delete"
      >
        <Trash2 aria-hidden="true" />
        {compact ? null : "Delete"}
      </button>

      <Dialog open={pending === "rename"} onClose={() => setPending(undefined)} label="Rename instance">
        <form className="dialog-body" onSubmit={onRename}>
          <h2>Rename instance</h2>
          <label className="field" htmlFor={nameId}>
            <span>Name</span>
            <input
              id={nameId}
              className="input"
              name="name"
              defaultValue={instance.name ?? ""}
              placeholder={instance.agent_type_name}
              maxLength={limits.nameChars}
              required
            />
          </label>
          {rename.error ? <p className="form-error">{errorMessage(rename.error)}</p> : null}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => setPending(undefined)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={rename.isPending}>
              Save
            </button>
          </div>
        </form>
      </Dialog>
      <ConfirmDialog
        open={pending === "complete"}
        title="Mark as completed?"
        body={`“${title}” moves to Completed. The agent can still send messages, but its session counts as done.`}
        confirmLabel="Mark completed"
        busy={complete.isPending}
        onConfirm={() => complete.mutate({ agent_instance_id: instance.id })}
        onCancel={() => setPending(undefined)}
      />
      <ConfirmDialog
        open={pending === "delete"}
        title="Delete this instance?"
        body={
          <>
            “{title}” and all its messages are deleted for good. An agent still running on it gets “not found”.
            {remove.error ? <p className="form-error">{errorMessage(remove.error)}</p> : null}
          </>
        }
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ agent_instance_id: instance.id })}
        onCancel={() => setPending(undefined)}
      />
      {error && pending === undefined ? (
        <span className="visually-hidden" role="alert">
          {errorMessage(error)}
        </span>
      ) : null}
    </>
  );
}
