import { readdirSync, readFileSync } from "node:fs";

/** A process as /proc shows it: its start time tells a reused pid from the process once seen. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  state: string;
  start: string;
  cmdline: string;
}

function readEntry(pid: number): ProcEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields are read after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return { pid, state: fields[0] ?? "", ppid: Number(fields[1]), start: fields[19] ?? "", cmdline };
  } catch {
    return undefined;
  }
}

const table = (): ProcEntry[] =>
  readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readEntry(Number(name)) ?? []);

/** The process and all its descendants (Linux /proc), read independently of the code under test. */
export function procTree(root: number): ProcEntry[] {
  const all = table();
  const tree = all.filter((p) => p.pid === root);
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i];
    if (parent) tree.push(...all.filter((p) => p.ppid === parent.pid && !tree.includes(p)));
  }
  return tree;
}

/** Those of `entries` still running: the same pid with the same start time, and not a zombie. */
export const stillRunning = (entries: ProcEntry[]): ProcEntry[] =>
  entries.filter((entry) => {
    const now = readEntry(entry.pid);
    return now !== undefined && now.start === entry.start && now.state !== "Z";
  });

/** Whether the process's environment holds `NAME=value` (readable for our own processes). */
const hasEnv = (pid: number, entry: string): boolean => {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(entry);
  } catch {
    return false;
  }
};

/**
 * SIGKILLs every process running with this HOME (a test's throwaway home: every process a test
 * starts inherits it, also those that left its tree) until none is left, or throws.
 */
export async function killEverythingWithHome(home: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = table().filter((p) => p.pid !== process.pid && p.state !== "Z" && hasEnv(p.pid, `HOME=${home}`));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`still running with HOME=${home}: ${JSON.stringify(left)}`);
    for (const { pid } of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
