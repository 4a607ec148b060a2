import { type AgentInstance, limits } from "@omnara/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { instanceTitle } from "../lib/instance-status.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { ConfirmDialog, Dialog } from "./dialog.tsx";

export type InstanceAction = "rename" | "complete" | "delete";

/**
 * The dialog of one action on one instance. It is mounted only while open, so a list of 200
 * rows holds no dialogs and no mutation observers until one is used.
 */
export function InstanceActionDialog({
  action,
  instance,
  onClose,
  onDeleted,
}: {
  action: InstanceAction;
  instance: AgentInstance;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const nameId = useId();
  const done = () => {
    void queryClient.invalidateQueries(trpc.pathFilter());
    onClose();
  };
  const rename = useMutation(trpc.renameInstance.mutationOptions({ onSuccess: done }));
  const complete = useMutation(trpc.markCompleted.mutationOptions({ onSuccess: done }));
  const remove = useMutation(
    trpc.deleteInstance.mutationOptions({
      onSuccess: () => {
        done();
        onDeleted?.();
      },
    }),
  );
  const title = instanceTitle(instance);

  const onRename = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (name) rename.mutate({ agent_instance_id: instance.id, name });
  };

  if (action === "rename") {
    return (
      <Dialog open onClose={onClose} label="Rename instance">
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
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={rename.isPending}>
              Save
            </button>
          </div>
        </form>
      </Dialog>
    );
  }
  if (action === "complete") {
    return (
      <ConfirmDialog
        open
        title="Mark as completed?"
        body={
          <>
            “{title}” moves to Completed. The agent can still send messages, but its session counts as done.
            {complete.error ? <p className="form-error">{errorMessage(complete.error)}</p> : null}
          </>
        }
        confirmLabel="Mark completed"
        busy={complete.isPending}
        onConfirm={() => complete.mutate({ agent_instance_id: instance.id })}
        onCancel={onClose}
      />
    );
  }
  return (
    <ConfirmDialog
      open
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
      onCancel={onClose}
    />
  );
}
