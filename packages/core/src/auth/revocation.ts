import type { CoreDeps } from "../deps.ts";

/**
 * Tells every process that one of the user's credentials was revoked, after the revocation
 * committed: their open streams and waits re-check their own credential and end if it is gone.
 * A lost announcement is caught by the watch's periodic re-check (see watchCredential in api).
 */
export async function announceRevoked(deps: CoreDeps, userId: string): Promise<void> {
  await deps.bus.publish([{ type: "credentialRevoked", userId, agentInstanceId: "" }]);
}
