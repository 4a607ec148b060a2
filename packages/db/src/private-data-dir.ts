import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";

/** Group and other bits: none of them may be set on anything under the data dir. */
const OTHERS = 0o077;

/**
 * The data dir holds messages, diffs, emails and password hashes: it is the owner's only.
 * PGlite unpacks its initial cluster with explicit 0666/0755 modes (chmod, not subject to the
 * umask), so modes are fixed after it writes; files it creates later follow the process umask,
 * which is narrowed here so they are born private. The dir itself at 0700 already keeps
 * everyone else out, whatever a file's own mode.
 */
export function makeDataDirPrivate(dataDir: string): void {
  // process.umask(mask) is refused in worker threads; the dir's 0700 still guards their files.
  if (isMainThread) process.umask(process.umask() | OTHERS);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  restrictTree(dataDir);
}

function restrictTree(path: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat || stat.isSymbolicLink()) return;
  if (stat.mode & OTHERS) chmodSync(path, stat.mode & 0o700);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) restrictTree(join(path, entry));
}
