import type { AgentInstance } from "@omnara/contracts";
import { CircleCheck, Pencil, Share2, Trash2 } from "lucide-react";
import { useState } from "react";
import { instanceTitle, isOpen } from "../lib/instance-status.ts";
import { type InstanceAction, InstanceActionDialog } from "./instance-action-dialog.tsx";
import { ShareDialog } from "./share-dialog.tsx";

/**
 * Rename, share, mark completed and delete, with their dialogs; used in lists and on the chat
 * page. On an instance shared with the user, only what the share allows (WRITE: mark completed).
 */
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
  const [sharing, setSharing] = useState(false);
  const title = instanceTitle(instance);
  const size = compact ? "btn-sm btn-icon" : "btn-sm";
  const owner = !instance.shared;
  const canWrite = owner || instance.shared?.role === "WRITE";

  return (
    <>
      {owner ? (
        <button
          type="button"
          className={`btn btn-ghost ${size}`}
          onClick={() => setSharing(true)}
          aria-label={`Share ${title}`}
          title="Share"
        >
          <Share2 aria-hidden="true" />
          {compact ? null : "Share"}
        </button>
      ) : null}
      {owner ? (
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
      ) : null}
      {canWrite && isOpen(instance) ? (
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
      {owner ? (
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
      ) : null}
      {sharing ? <ShareDialog instance={instance} onClose={() => setSharing(false)} /> : null}
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
