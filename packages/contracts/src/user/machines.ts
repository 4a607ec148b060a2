import { z } from "zod";
import { BranchName, Machine, MachineAgent } from "../machines.ts";
import { defineOperation } from "../operation.ts";
import { MessageText, Uuid } from "../schemas.ts";

export const listMachines = defineOperation({
  id: "listMachines",
  audience: "user",
  access: "account",
  kind: "query",
  description:
    "The user's machines running `omnara daemon`: online, asleep (with when last seen) or revoked, their projects, sessions and latest start/stop requests.",
  input: z.object({}),
  output: z.array(Machine),
  rest: { method: "GET", path: "/api/v1/machines" },
});

export const startMachineSession = defineOperation({
  id: "startMachineSession",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Start an agent on one of the user's machines in one of its registered projects, optionally in a new git worktree on a new branch. The instance exists at once; the machine starts the agent the next moment it is online.",
  input: z.object({
    machine_id: Uuid,
    project_id: Uuid,
    agent: MachineAgent.default("claude"),
    prompt: MessageText,
    worktree: z.object({ branch: BranchName }).optional(),
  }),
  output: z.object({ agent_instance_id: Uuid, command_id: Uuid }),
  rest: { method: "POST", path: "/api/v1/machines/{machine_id}/sessions", status: 201 },
});

export const stopMachineSession = defineOperation({
  id: "stopMachineSession",
  audience: "user",
  access: { instance: "owner" },
  kind: "mutation",
  description: "Stop a session a machine runs: the daemon ends the agent's process; the instance is completed.",
  input: z.object({ agent_instance_id: Uuid }),
  output: z.object({ command_id: Uuid }),
  rest: { method: "POST", path: "/api/v1/agent-instances/{agent_instance_id}/stop-machine-session" },
});
