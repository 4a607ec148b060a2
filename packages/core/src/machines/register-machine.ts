import type { agentOperations, OperationArgs, OperationOutput } from "@omnara/contracts";
import { OmnaraError } from "@omnara/contracts";
import { schema } from "@omnara/db";
import { and, eq, notInArray, sql } from "drizzle-orm";
import type { AgentCaller, CoreDeps } from "../deps.ts";
import { requireMachineKey } from "./machine-key.ts";

const { machines, machineProjects } = schema;
type Op = typeof agentOperations.registerMachine;

/**
 * One machine per machine key, created or updated in place; the project list replaces the
 * previous one, a path keeping its id (sessions and the dashboard's form refer to it).
 */
export async function registerMachine(
  deps: CoreDeps,
  caller: AgentCaller,
  input: OperationArgs<Op>,
): Promise<OperationOutput<Op>> {
  requireMachineKey(caller);
  const now = deps.now();
  const paths = [...new Set(input.projects.map((project) => project.path))];
  if (paths.length !== input.projects.length) throw new OmnaraError("BAD_REQUEST", "A project path is listed twice.");
  return deps.db.transaction(async (tx) => {
    const [machine] = await tx
      .insert(machines)
      .values({
        userId: caller.userId,
        apiKeyId: caller.apiKeyId,
        name: input.name,
        os: input.os,
        version: input.version,
      })
      .onConflictDoUpdate({
        target: machines.apiKeyId,
        set: { name: input.name, os: input.os, version: input.version, lastSeenAt: now },
      })
      .returning();
    if (!machine) throw new OmnaraError("INTERNAL_SERVER_ERROR", "The machine could not be stored.");
    await tx
      .delete(machineProjects)
      .where(
        paths.length > 0
          ? and(eq(machineProjects.machineId, machine.id), notInArray(machineProjects.path, paths))
          : eq(machineProjects.machineId, machine.id),
      );
    const projects =
      input.projects.length === 0
        ? []
        : await tx
            .insert(machineProjects)
            .values(
              input.projects.map((p) => ({
                machineId: machine.id,
                path: p.path,
                name: p.name,
                isGit: p.is_git,
                worktreeRoot: p.worktree_root,
              })),
            )
            .onConflictDoUpdate({
              target: [machineProjects.machineId, machineProjects.path],
              set: {
                name: sql`excluded.name`,
                isGit: sql`excluded.is_git`,
                worktreeRoot: sql`excluded.worktree_root`,
              },
            })
            .returning();
    return {
      machine_id: machine.id,
      projects: projects.map((p) => ({
        id: p.id,
        path: p.path,
        name: p.name,
        is_git: p.isGit,
        worktree_root: p.worktreeRoot,
      })),
    };
  });
}
