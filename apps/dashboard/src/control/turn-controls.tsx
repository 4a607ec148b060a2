import { useMutation } from "@tanstack/react-query";
import { CircleStop, Hand } from "lucide-react";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import type { InstanceDetail } from "../lib/types.ts";

/**
 * Interrupt (stop the current turn; the session stays open and waits for you) and Stop (end the
 * session and the agent's process), shown while the agent works, to whoever may answer it.
 */
export function TurnControls({ instance, working }: { instance: InstanceDetail; working: boolean }) {
  const trpc = useTRPC();
  const interrupt = useMutation(trpc.interruptInstance.mutationOptions());
  const stop = useMutation(trpc.stopInstance.mutationOptions());
  const canWrite = !instance.shared || instance.shared.role === "WRITE";
  if (!canWrite || !working) return null;
  const error = interrupt.error ?? stop.error;
  return (
    <div className="row turn-controls" style={{ gap: 2 }}>
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        data-testid="interrupt"
        disabled={interrupt.isPending}
        onClick={() => interrupt.mutate({ agent_instance_id: instance.id })}
        title="Stop the current turn; the agent then waits for you"
      >
        <Hand aria-hidden="true" />
        {interrupt.isSuccess && !interrupt.isPending ? "Interrupt sent" : "Interrupt"}
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-danger btn-sm"
        data-testid="stop"
        disabled={stop.isPending}
        onClick={() => stop.mutate({ agent_instance_id: instance.id })}
        title="End the session and the agent's process"
      >
        <CircleStop aria-hidden="true" />
        Stop
      </button>
      {error ? (
        <span className="form-error" role="alert">
          {errorMessage(error)}
        </span>
      ) : null}
    </div>
  );
}
