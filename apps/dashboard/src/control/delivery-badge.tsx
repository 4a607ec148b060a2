import type { Message } from "@omnara/contracts";
import { useDeliveryOf } from "./use-delivery.ts";

const labels = { queued: "Queued", delivered: "Delivered", cancelled: "Cancelled" } as const;

/** Under a user's message: whether the agent has it yet. */
export function DeliveryBadge({ message }: { message: Message }) {
  const delivery = useDeliveryOf(message);
  if (message.sender_type !== "USER" || !delivery) return null;
  return (
    <div className={`delivery delivery-${delivery}`} data-testid="delivery" data-delivery={delivery}>
      {labels[delivery]}
    </div>
  );
}
