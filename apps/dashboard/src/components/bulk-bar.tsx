import type { AgentInstance } from "@omnara/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Trash2, X } from "lucide-react";
import { useState } from "react";
import { isOpen } from "../lib/instance-status.ts";
import { errorMessage, useTRPC, useTRPCClient } from "../lib/trpc.ts";
import { ConfirmDialog } from "./dialog.tsx";

type BulkAction = "complete" | "delete";

/** Calls in flight at once: 200 rows finish quickly without one burst of 200 requests. */
const PARALLEL = 6;

async function eachLimited<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/** What each action may touch: completing needs "can reply" and an open instance, deleting ownership. */
export const canComplete = (i: AgentInstance) => isOpen(i) && (!i.shared || i.shared.role === "WRITE");
export const canDelete = (i: AgentInstance) => !i.shared;

/**
 * The selected rows' actions: each instance through the same procedure as its own menu
 * (markCompleted, deleteInstance), so every rule and every concurrent change is the server's;
 * a row that changed meanwhile (completed or deleted elsewhere) is reported, not hidden.
 */
export function BulkBar({ selected, onDone }: { selected: readonly AgentInstance[]; onDone: () => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<BulkAction>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<string>();
  const completable = selected.filter(canComplete);
  const deletable = selected.filter(canDelete);

  const run = async (action: BulkAction) => {
    const targets = action === "complete" ? completable : deletable;
    setBusy(true);
    setReport(undefined);
    const failures: string[] = [];
    await eachLimited(targets, async (instance) => {
      try {
        if (action === "complete") await client.markCompleted.mutate({ agent_instance_id: instance.id });
        else await client.deleteInstance.mutate({ agent_instance_id: instance.id });
      } catch (error) {
        failures.push(errorMessage(error));
      }
    });
    const done = targets.length - failures.length;
    const verb = action === "complete" ? "Marked completed" : "Deleted";
    setReport(
      failures.length === 0
        ? `${verb}: ${done} ${done === 1 ? "instance" : "instances"}.`
        : `${verb}: ${done} of ${targets.length}. ${failures.length} not changed: ${[...new Set(failures)].join(" ")}`,
    );
    setBusy(false);
    setConfirming(undefined);
    await queryClient.invalidateQueries(trpc.pathFilter());
    onDone();
  };

  return (
    <>
      {selected.length > 0 ? (
        <div className="bulk-bar card" data-testid="bulk-bar">
          <strong>{selected.length} selected</strong>
          <button
            type="button"
            className="btn btn-sm"
            disabled={busy || completable.length === 0}
            onClick={() => setConfirming("complete")}
            data-testid="bulk-complete"
          >
            <CircleCheck aria-hidden="true" />
            Mark completed{completable.length !== selected.length ? ` (${completable.length})` : ""}
          </button>
          <button
            type="button"
            className="btn btn-sm btn-danger"
            disabled={busy || deletable.length === 0}
            onClick={() => setConfirming("delete")}
            data-testid="bulk-delete"
          >
            <Trash2 aria-hidden="true" />
            Delete{deletable.length !== selected.length ? ` (${deletable.length})` : ""}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onDone} disabled={busy}>
            <X aria-hidden="true" />
            Clear
          </button>
        </div>
      ) : null}
      {report ? (
        <output className="muted bulk-report" data-testid="bulk-report">
          {report}
        </output>
      ) : null}
      <ConfirmDialog
        open={confirming !== undefined}
        title={
          confirming === "delete"
            ? `Delete ${deletable.length} instances?`
            : `Complete ${completable.length} instances?`
        }
        body={
          confirming === "delete"
            ? "They are hidden and their messages removed. Agents still running under them get 404."
            : "They move to Completed, where you can still read them."
        }
        confirmLabel={confirming === "delete" ? "Delete" : "Mark completed"}
        danger={confirming === "delete"}
        busy={busy}
        onConfirm={() => void (confirming ? run(confirming) : undefined)}
        onCancel={() => setConfirming(undefined)}
      />
    </>
  );
}
