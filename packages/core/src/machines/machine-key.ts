import { OmnaraError } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { eq } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";

const { machines } = schema;
export type MachineRow = typeof machines.$inferSelect;

/** Only a machine key (`omnara daemon login`) speaks for a machine; an agent's key cannot. */
export function requireMachineKey(caller: AgentCaller): void {
  if (caller.keyKind !== "machine") {
    throw new OmnaraError(
      "FORBIDDEN",
      "This API key is an agent's, not a machine's. Run `omnara daemon login` for a machine key.",
    );
  }
}

/** The machine registered with the caller's key. */
export async function machineOfKey(deps: CoreDeps, caller: AgentCaller): Promise<MachineRow> {
  requireMachineKey(caller);
  const [row] = await deps.db.select().from(machines).where(eq(machines.apiKeyId, caller.apiKeyId));
  if (!row)
    throw new OmnaraError("NOT_FOUND", "No machine is registered with this key yet: call registerMachine first.");
  return row;
}
