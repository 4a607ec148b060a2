import { execFile } from "node:child_process";
import { relative, resolve } from "node:path";
import { limits } from "@omnara/contracts";

const git = (cwd: string, args: string[]): Promise<string | undefined> =>
  new Promise((done) => {
    execFile("git", args, { cwd, maxBuffer: 8 * limits.gitDiffChars, timeout: 10_000 }, (error, stdout) =>
      done(error ? undefined : stdout),
    );
  });

const MAX_UNTRACKED = 20;

export interface DiffOptions {
  /** The commit to compare the working tree with: HEAD unless given. */
  base?: string | undefined;
  /** Pathspecs left out, e.g. `:(exclude)worktrees/other`. */
  exclude?: readonly string[];
}

/**
 * The working tree's changes against `base` (HEAD), new untracked files included (as
 * additions), cut to the size the server accepts. Undefined outside a git repository.
 */
export async function workingTreeDiff(cwd: string, options: DiffOptions = {}): Promise<string | undefined> {
  const inside = await git(cwd, ["rev-parse", "--is-inside-work-tree"]);
  if (inside?.trim() !== "true") return undefined;
  const paths = options.exclude?.length ? ["--", ...options.exclude] : [];
  const tracked =
    (await git(cwd, ["diff", options.base ?? "HEAD", "--no-color", "--no-ext-diff", ...paths])) ??
    (await git(cwd, ["diff", "--no-color", "--no-ext-diff", ...paths])) ??
    "";
  const untrackedList = ((await git(cwd, ["ls-files", "--others", "--exclude-standard", ...paths])) ?? "")
    .split("\n")
    .filter(Boolean);
  const untracked: string[] = [];
  for (const file of untrackedList.slice(0, MAX_UNTRACKED)) {
    // `git diff --no-index` exits 1 when the files differ, which they always do here.
    const added = await new Promise<string>((done) =>
      execFile(
        "git",
        ["diff", "--no-color", "--no-index", "--", "/dev/null", file],
        { cwd, maxBuffer: limits.gitDiffChars },
        (_error, stdout) => done(stdout),
      ),
    );
    untracked.push(added);
  }
  const all = [tracked, ...untracked].filter(Boolean).join("");
  if (all.length <= limits.gitDiffChars) return all;
  const note = "\n… diff cut at Omnara's size limit\n";
  return all.slice(0, limits.gitDiffChars - note.length) + note;
}

/** Other worktrees of the repository inside `cwd` (their files are not this tree's changes). */
async function nestedWorktrees(cwd: string): Promise<string[]> {
  const listing = (await git(cwd, ["worktree", "list", "--porcelain"])) ?? "";
  const here = resolve(cwd);
  return listing
    .split("\n")
    .filter((line) => line.startsWith("worktree "))
    .map((line) => relative(here, line.slice("worktree ".length)))
    .filter((path) => path !== "" && !path.startsWith(".."))
    .map((path) => `:(exclude)${path}`);
}

/**
 * `omnara mcp --git-diff`, as Omnara v1's stdio server did it: HEAD is noted when the server
 * starts, and each call gives every change since (committed or not, untracked files included),
 * nested worktrees left out; nothing (undefined) when there is no change or no repository.
 * https://github.com/omnara-ai/omnara/blob/500a82ad/src/servers/mcp/stdio_server.py#L91
 */
export async function gitDiffSinceStart(cwd: string): Promise<() => Promise<string | undefined>> {
  const base = (await git(cwd, ["rev-parse", "HEAD"]))?.trim() || undefined;
  return async () => {
    const diff = await workingTreeDiff(cwd, { base, exclude: await nestedWorktrees(cwd) });
    return diff?.trim() ? diff : undefined;
  };
}
