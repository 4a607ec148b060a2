import { EventEmitter } from "node:events";

/**
 * Wakes this process's dispatcher for jobs that no bus event announces (test notifications).
 * Jobs caused by messages and status changes are announced by the bus after their commit.
 */
const emitter = new EventEmitter();
emitter.setMaxListeners(0);

export const ringNotificationDoorbell = (): void => {
  emitter.emit("ring");
};

/** Returns the function that stops listening. */
export function onNotificationDoorbell(listener: () => void): () => void {
  emitter.on("ring", listener);
  return () => emitter.off("ring", listener);
}
