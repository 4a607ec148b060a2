import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * An environment variable every process of a tree inherits. It finds the ones that left the tree:
 * Claude Code runs each Bash command in a session of its own, which is reparented to init once
 * Claude exits, so walking parent links alone misses a `sleep` or a dev server it started.
 */
export interface TreeMark {
  name: string;
  value: string;
}

interface ProcessEntry {
  pid: number;
  ppid: number;
  /** When it started: a reused pid is not the process once found. */
  start: string;
  zombie: boolean;
}

const POLL_MS = 100;
/** After KILL, how long to wait for the kernel to take the processes away. */
const KILL_WAIT_MS = 3_000;

function linuxEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: the fields after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), start: fields[19] ?? "", zombie: fields[0] === "Z" };
  } catch {
    return undefined;
  }
}

function processTable(): ProcessEntry[] {
  if (process.platform === "linux") {
    return readdirSync("/proc").flatMap((name) => (/^\d+$/.test(name) ? (linuxEntry(Number(name)) ?? []) : []));
  }
  // macOS and the BSDs: ps. `lstart` is several words, so it comes last.
  const out = execFileSync("ps", ["-A", "-o", "pid=,ppid=,stat=,lstart="], { encoding: "utf8" });
  return out.split("\n").flatMap((line) => {
    const match = line.trim().match(/^(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/);
    if (!match) return [];
    const [, pid = "", ppid = "", stat = "", start = ""] = match;
    return [{ pid: Number(pid), ppid: Number(ppid), start, zombie: stat.startsWith("Z") }];
  });
}

/** Whether the process carries the mark (Linux only: elsewhere another user's environment is not readable this way). */
function carriesMark(pid: number, mark: TreeMark): boolean {
  if (process.platform !== "linux") return false;
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${mark.name}=${mark.value}`);
  } catch {
    return false;
  }
}

const signal = (pid: number, name: NodeJS.Signals): void => {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
};

/**
 * The processes a session started, found from their root(s) by parent links and by their mark.
 * Found while the session still runs: what its processes leave behind when they exit keeps its
 * place here even after it was reparented.
 */
export class ProcessTree {
  readonly #members = new Map<number, string>();

  constructor(
    roots: readonly number[],
    readonly mark?: TreeMark,
  ) {
    const table = processTable();
    for (const pid of roots) {
      const entry = table.find((p) => p.pid === pid);
      if (entry && !entry.zombie) this.#members.set(pid, entry.start);
    }
    this.#refresh(table);
  }

  /** Drops the members that are gone; adds their new children and anything marked. */
  #refresh(table: ProcessEntry[] = processTable()): void {
    const byPid = new Map(table.map((p) => [p.pid, p]));
    // A member that just exited may still be a zombie with children to find.
    const parents = new Set(this.#members.keys());
    for (const [pid, start] of this.#members) {
      const now = byPid.get(pid);
      if (!now || now.start !== start || now.zombie) this.#members.delete(pid);
    }
    for (let added = true; added; ) {
      added = false;
      for (const entry of table) {
        if (entry.zombie || entry.pid === process.pid || this.#members.has(entry.pid)) continue;
        if (parents.has(entry.ppid) || (this.mark && carriesMark(entry.pid, this.mark))) {
          this.#members.set(entry.pid, entry.start);
          parents.add(entry.pid);
          added = true;
        }
      }
    }
  }

  /** The members still running. */
  pids(): number[] {
    this.#refresh();
    return [...this.#members.keys()];
  }

  /** Resolves once no member runs, or false at the deadline. */
  async #gone(deadline: number, onNew?: (pid: number) => void): Promise<boolean> {
    const seen = new Set(this.#members.keys());
    for (;;) {
      this.#refresh();
      for (const pid of this.#members.keys()) {
        if (!seen.has(pid)) {
          seen.add(pid);
          onNew?.(pid);
        }
      }
      if (this.#members.size === 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Waits up to `ms` for every member to exit by itself. */
  waitForExit(ms: number): Promise<boolean> {
    return this.#gone(Date.now() + ms);
  }

  /**
   * Ends every member: TERM (also to any found meanwhile), then KILL to those still running after
   * `graceMs`. Resolves with how many needed the KILL; throws if some outlive even that.
   */
  async end(graceMs: number): Promise<{ killed: number }> {
    this.#refresh();
    for (const pid of this.#members.keys()) signal(pid, "SIGTERM");
    if (await this.#gone(Date.now() + graceMs, (pid) => signal(pid, "SIGTERM"))) return { killed: 0 };
    const killed = this.#members.size;
    for (const pid of this.#members.keys()) signal(pid, "SIGKILL");
    if (await this.#gone(Date.now() + KILL_WAIT_MS, (pid) => signal(pid, "SIGKILL"))) return { killed };
    throw new Error(`processes ${[...this.#members.keys()].join(", ")} outlived SIGKILL`);
  }
}
