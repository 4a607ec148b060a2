import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CliError } from "../cli-error.ts";

const run = promisify(execFile);
const git = (cwd: string, args: string[]) => run("git", args, { cwd, encoding: "utf8" });

/**
 * A new worktree of the project on `branch`, under the project's worktree root: the user's own
 * checkout is never switched or written. An existing branch is checked out, a new one starts at
 * the project's HEAD. Every value is an argument, never a shell word; git checks the name again.
 */
export async function createWorktree(project: string, root: string, branch: string): Promise<string> {
  try {
    await git(project, ["check-ref-format", "--branch", branch]);
  } catch {
    throw new CliError("INVALID_ARGUMENT", `${branch} is not a branch name git accepts.`);
  }
  const path = join(root, branch.replaceAll("/", "-"));
  if (existsSync(path)) throw new CliError("INVALID_ARGUMENT", `${path} exists already.`);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const exists = await git(project, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).then(
    () => true,
    () => false,
  );
  const args = exists ? ["worktree", "add", "--", path, branch] : ["worktree", "add", "-b", branch, "--", path];
  try {
    await git(project, args);
  } catch (error) {
    const stderr = typeof error === "object" && error !== null && "stderr" in error ? String(error.stderr) : "";
    throw new CliError("INVALID_ARGUMENT", `git worktree add failed: ${stderr.trim() || String(error)}`);
  }
  return path;
}

/** Removes the worktree (its uncommitted changes with it); the branch and its commits stay. */
export async function removeWorktree(project: string, path: string): Promise<void> {
  await git(project, ["worktree", "remove", "--force", "--", path]).catch(async () => {
    // Already gone from disk: git only needs to forget it.
    await git(project, ["worktree", "prune"]);
  });
}
