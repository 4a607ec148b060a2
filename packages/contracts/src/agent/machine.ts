import { z } from "zod";
import { limits } from "../limits.ts";
import { MachineCommand, MachineProject, MachineProjectSpec } from "../machines.ts";
import { defineOperation } from "../operation.ts";
import { Name, Uuid } from "../schemas.ts";

const MACHINE_KEY = "Needs a machine key (`omnara daemon login`).";

export const registerMachine = defineOperation({
  id: "registerMachine",
  audience: "agent",
  kind: "mutation",
  description: `Register (or update) the machine this key belongs to, with the projects agents may be started in; the list replaces the previous one, keeping each path's id. ${MACHINE_KEY}`,
  input: z.object({
    name: Name,
    os: z.string().min(1).max(100),
    version: z.string().min(1).max(100),
    projects: z.array(MachineProjectSpec).max(200),
  }),
  output: z.object({ machine_id: Uuid, projects: z.array(MachineProject) }),
  retry: "safe",
});

export const pollMachine = defineOperation({
  id: "pollMachine",
  audience: "agent",
  kind: "mutation",
  description: `The daemon's one connection: says the machine is alive and which sessions run on it, then waits (server push) up to timeout_seconds for commands. A command comes back on every poll until reportMachineSession names it; deleted lists sessions whose instance was deleted, to clean up. ${MACHINE_KEY}`,
  input: z.object({
    /** The instances whose processes run on the machine now; the server ends the others it thought running. */
    running: z.array(Uuid).max(1000),
    timeout_seconds: z.coerce.number().int().min(0).max(limits.maxWaitSeconds).default(25),
  }),
  output: z.object({ commands: z.array(MachineCommand), deleted: z.array(Uuid) }),
  retry: "safe",
  waits: { seconds: "timeout_seconds" },
});

export const reportMachineSession = defineOperation({
  id: "reportMachineSession",
  audience: "agent",
  kind: "mutation",
  description: `What became of a session the daemon was asked about: RUNNING (started), ENDED, FAILED (with error), or REMOVED (cleaned up after deletion). Naming command_id marks that command done. ${MACHINE_KEY}`,
  input: z.object({
    agent_instance_id: Uuid,
    command_id: Uuid.optional(),
    state: z.enum(["RUNNING", "ENDED", "FAILED", "REMOVED"]),
    error: z.string().max(2000).optional(),
    worktree_path: z.string().max(4096).optional(),
  }),
  output: z.object({ success: z.literal(true) }),
  retry: "safe",
});
