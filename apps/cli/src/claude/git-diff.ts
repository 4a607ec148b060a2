import { execFile } from "node:child_process";
import { limits } from "@omnara/contracts";

const git = (cwd: string, args: string[]): Promise<string | undefined> =>
  new Promise((resolve) => {
    execFile("git", args, { cwd, maxBuffer: 8 * limits.gitDiffChars, timeout: 10_000 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });

const MAX_UNTRACKED = 20;

/**
 * The working tree's changes against HEAD, new untracked files included (as additions), cut to
 * the size the server accepts. Undefined outside a git repository.
 */
export async function workingTreeDiff(cwd: string): Promise<string | undefined> {
  const inside = await git(cwd, ["rev-parse", "--is-inside-work-tree"]);
  if (inside?.trim() !== "true") return undefined;
  const tracked =
    (await git(cwd, ["diff", "HEAD", "--no-color", "--no-ext-diff"])) ??
    (await git(cwd, ["diff", "--no-color", "--no-ext-diff"])) ??
    "";
  const untrackedList = ((await git(cwd, ["ls-files", "--others", "--exclude-standard"])) ?? "")
    .split("\n")
    .filter(Boolean);
  const untracked: string[] = [];
  for (const file of untrackedList.slice(0, MAX_UNTRACKED)) {
    // `git diff --no-index` exits 1 when the files differ, which they always do here.
    const added = await new Promise<string>((resolve) =>
      execFile(
        "git",
        ["diff", "--no-color", "--no-index", "--", "/dev/null", file],
        { cwd, maxBuffer: limits.gitDiffChars },
        (_error, stdout) => resolve(stdout),
      ),
    );
    untracked.push(added);
  }
  const all = [tracked, ...untracked].filter(Boolean).join("");
  if (all.length <= limits.gitDiffChars) return all;
  const note = "\n… diff cut at Omnara's size limit\n";
  return all.slice(0, limits.gitDiffChars - note.length) + note;
}
