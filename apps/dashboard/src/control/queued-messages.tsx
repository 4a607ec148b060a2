import type { Message } from "@omnara/contracts";
import { useMutation } from "@tanstack/react-query";
import { Clock, X } from "lucide-react";
import { errorMessage, useTRPC } from "../lib/trpc.ts";

/**
 * Above the composer: the user's messages the agent has not received yet (it is working; it gets
 * them at its next opportunity), each cancellable until then.
 */
export function QueuedMessages({
  instanceId,
  queued,
  onChanged,
}: {
  instanceId: string;
  queued: readonly Message[];
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const cancel = useMutation(trpc.cancelQueuedMessage.mutationOptions({ onSettled: onChanged }));
  if (queued.length === 0) return null;
  return (
    <section className="queued" aria-label="Queued messages" data-testid="queued-messages">
      {queued.map((message) => (
        <div key={message.id} className="queued-item row" data-testid="queued-message">
          <Clock aria-hidden="true" width={14} height={14} />
          <span className="truncate" style={{ flex: 1 }}>
            {message.content}
          </span>
          <span className="subtle">queued</span>
          <button
            type="button"
            className="btn btn-ghost btn-sm btn-icon"
            aria-label={`Cancel queued message ${message.content}`}
            data-testid="cancel-queued"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ agent_instance_id: instanceId, message_id: message.id })}
          >
            <X aria-hidden="true" />
          </button>
        </div>
      ))}
      {cancel.error ? (
        <p className="form-error" role="alert">
          {errorMessage(cancel.error)}
        </p>
      ) : null}
    </section>
  );
}
