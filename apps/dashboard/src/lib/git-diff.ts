/** A unified diff (`git diff` output) split into files and hunks for review. */
export interface DiffLine {
  kind: "add" | "del" | "context" | "note";
  text: string;
  oldNumber?: number;
  newNumber?: number;
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
}

export interface DiffFile {
  /** The path to show: the new path, or the old one for a deleted file. */
  path: string;
  oldPath: string | null;
  newPath: string | null;
  change: "added" | "deleted" | "modified" | "renamed";
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: DiffHunk[];
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;
const stripPrefix = (path: string): string | null => {
  if (path === "/dev/null") return null;
  // Paths may carry a tab and timestamp (diff -u) or be quoted when they hold spaces.
  const bare = path.split("\t")[0]?.replace(/^"(.*)"$/, "$1") ?? path;
  return bare.replace(/^[ab]\//, "");
};

function newFile(header: string): DiffFile {
  // "diff --git a/x b/y": a fallback for files with no ---/+++ lines (binary, pure renames).
  const match = /^diff --git "?a\/(.+?)"? "?b\/(.+?)"?$/.exec(header);
  const oldPath = match?.[1] ?? null;
  const newPath = match?.[2] ?? null;
  return {
    path: newPath ?? oldPath ?? "",
    oldPath,
    newPath,
    change: "modified",
    binary: false,
    additions: 0,
    deletions: 0,
    hunks: [],
  };
}

export function parseGitDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let hunk: DiffHunk | undefined;
  let oldLine = 0;
  let newLine = 0;
  const start = (header: string) => {
    file = newFile(header);
    files.push(file);
    hunk = undefined;
  };

  for (const line of diff.replace(/\r\n/g, "\n").split("\n")) {
    if (line.startsWith("diff --git ")) {
      start(line);
      continue;
    }
    if (!file || (!hunk && line.startsWith("--- "))) {
      // A diff without "diff --git" headers (plain `diff -u`) starts a file at "---".
      if (line.startsWith("--- ") && (!file || file.hunks.length > 0)) start("");
      if (!file) continue;
    }
    if (!hunk) {
      if (line.startsWith("new file mode")) file.change = "added";
      else if (line.startsWith("deleted file mode")) file.change = "deleted";
      else if (line.startsWith("rename from ")) {
        file.change = "renamed";
        file.oldPath = line.slice("rename from ".length);
      } else if (line.startsWith("rename to ")) {
        file.change = "renamed";
        file.newPath = line.slice("rename to ".length);
        file.path = file.newPath;
      } else if (line.startsWith("Binary files ") || line === "GIT binary patch") file.binary = true;
      else if (line.startsWith("--- ")) {
        file.oldPath = stripPrefix(line.slice(4));
        if (file.oldPath === null) file.change = "added";
      } else if (line.startsWith("+++ ")) {
        file.newPath = stripPrefix(line.slice(4));
        if (file.newPath === null) file.change = "deleted";
        file.path = file.newPath ?? file.oldPath ?? file.path;
      }
    }
    const header = HUNK.exec(line);
    if (header) {
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      continue;
    }
    if (!hunk) continue;
    if (line.startsWith("+")) {
      hunk.lines.push({ kind: "add", text: line.slice(1), newNumber: newLine++ });
      file.additions += 1;
    } else if (line.startsWith("-")) {
      hunk.lines.push({ kind: "del", text: line.slice(1), oldNumber: oldLine++ });
      file.deletions += 1;
    } else if (line.startsWith(" ")) {
      hunk.lines.push({ kind: "context", text: line.slice(1), oldNumber: oldLine++, newNumber: newLine++ });
    } else if (line.startsWith("\\")) {
      hunk.lines.push({ kind: "note", text: line.slice(1).trim() });
    } else if (line === "") {
    } else {
      hunk = undefined;
    }
  }
  return files.filter((f) => f.path !== "" || f.hunks.length > 0);
}
