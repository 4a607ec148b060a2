import { describe, expect, test } from "vitest";
import { parseGitDiff } from "../src/lib/git-diff.ts";

const diff = `diff --git a/src/app.ts b/src/app.ts
index 3a1925c..6de8f77 100644
--- a/src/app.ts
+++ b/src/app.ts
@@ -10,4 +10,5 @@ export function main() {
 const a = 1;
-const b = 2;
+const b = 3;
+const c = 4;
 return a;
@@ -40,2 +41,2 @@
-old
+new
\\ No newline at end of file
diff --git a/docs/new.md b/docs/new.md
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/docs/new.md
@@ -0,0 +1,2 @@
+# Title
+text
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/old name.ts b/new name.ts
similarity index 100%
rename from old name.ts
rename to new name.ts
diff --git a/logo.png b/logo.png
index 1111111..2222222 100644
Binary files a/logo.png and b/logo.png differ
`;

describe("parseGitDiff", () => {
  const files = parseGitDiff(diff);

  test("splits files with their change kind and counts", () => {
    expect(files.map((f) => [f.path, f.change, f.additions, f.deletions, f.binary])).toEqual([
      ["src/app.ts", "modified", 3, 2, false],
      ["docs/new.md", "added", 2, 0, false],
      ["gone.txt", "deleted", 0, 1, false],
      ["new name.ts", "renamed", 0, 0, false],
      ["logo.png", "modified", 0, 0, true],
    ]);
    expect(files[3]?.oldPath).toBe("old name.ts");
  });

  test("numbers old and new lines from hunk headers", () => {
    const [first, second] = files[0]?.hunks ?? [];
    expect(first?.header).toBe("@@ -10,4 +10,5 @@ export function main() {");
    expect(first?.lines).toEqual([
      { kind: "context", text: "const a = 1;", oldNumber: 10, newNumber: 10 },
      { kind: "del", text: "const b = 2;", oldNumber: 11 },
      { kind: "add", text: "const b = 3;", newNumber: 11 },
      { kind: "add", text: "const c = 4;", newNumber: 12 },
      { kind: "context", text: "return a;", oldNumber: 12, newNumber: 13 },
    ]);
    expect(second?.lines.at(-1)).toEqual({ kind: "note", text: "No newline at end of file" });
  });

  test("reads a plain diff -u without git headers", () => {
    const plain = parseGitDiff("--- a.txt\t2024-01-01\n+++ a.txt\t2024-01-02\n@@ -1 +1 @@\n-x\n+y\n");
    expect(plain).toMatchObject([{ path: "a.txt", change: "modified", additions: 1, deletions: 1 }]);
  });

  test("an empty or garbage diff has no files", () => {
    expect(parseGitDiff("")).toEqual([]);
    expect(parseGitDiff("not a diff at all\n")).toEqual([]);
  });
});
