import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { realpathSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { homeDataDir } from "@omnara/config";
import { CliError } from "../cli-error.ts";
import type { StoredProject } from "./daemon-config.ts";

/** The top of the git repository holding `dir`, or undefined when it is not in one. */
export function gitTopLevel(dir: string): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8", stdio: "pipe" }).trim();
  } catch {
    return undefined;
  }
}

/** Worktrees go outside the project (its checkout stays untouched), one directory per project. */
const defaultWorktreeRoot = (path: string): string =>
  join(homeDataDir(), "worktrees", `${basename(path)}-${createHash("sha256").update(path).digest("hex").slice(0, 8)}`);

/** What `omnara daemon add-project PATH` stores: the real path, its name, whether it is a git repository. */
export function describeProject(input: string, worktreeRoot: string | undefined): StoredProject {
  let path: string;
  try {
    path = realpathSync(resolve(input));
  } catch {
    throw new CliError("INVALID_ARGUMENT", `${input} does not exist.`);
  }
  if (!statSync(path).isDirectory()) throw new CliError("INVALID_ARGUMENT", `${path} is not a directory.`);
  const top = gitTopLevel(path);
  const isGit = top !== undefined && realpathSync(top) === path;
  return {
    path,
    name: basename(path) || path,
    is_git: isGit,
    worktree_root: isGit ? resolve(worktreeRoot ?? defaultWorktreeRoot(path)) : null,
  };
}
