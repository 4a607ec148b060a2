import type { AgentInstance } from "@omnara/contracts";
import { CircleCheck, Pencil, Trash2 } from "lucide-react";
import { useState } from "react";
import { instanceTitle, isOpen } from "../lib/instance-status.ts";
import { type InstanceAction, InstanceActionDialog } from "./instance-action-dialog.tsx";

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
  const [pending, setPending] = useState<InstanceAction>();
  const title = instanceTitle(instance);
  const size = compact ? "btn-sm btn-icon" : "btn-sm";

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
      {pending ? (
        <InstanceActionDialog
          action={pending}
          instance={instance}
          onClose={() => setPending(undefined)}
          {...(onDeleted ? { onDeleted } : {})}
        />
      ) : null}
    </>
  );
}
