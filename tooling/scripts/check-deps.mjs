// The dependency arrows of STYLE.md, checked against what the code actually imports (value and
// type imports, re-exports, dynamic imports, tests included): a workspace package may import only
// the workspace packages listed for it, each declared in its package.json, through its public
// entry (no `@omnara/x/src/…`), and never reach into another package by a relative path.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const allowed = {
  "@omnara/contracts": [],
  "@omnara/config": [],
  "@omnara/db": ["@omnara/contracts"],
  "@omnara/core": ["@omnara/db", "@omnara/contracts"],
  "@omnara/api": ["@omnara/core", "@omnara/db", "@omnara/contracts"],
  "@omnara/mcp": ["@omnara/contracts"],
  "@omnara/sdk": ["@omnara/contracts"],
  "@omnara/notify": ["@omnara/contracts", "@omnara/core", "@omnara/db", "@omnara/config"],
  "@omnara/http": [
    "@omnara/api",
    "@omnara/mcp",
    "@omnara/core",
    "@omnara/notify",
    "@omnara/db",
    "@omnara/config",
    "@omnara/contracts",
  ],
  // The composition root: it wires everything below it.
  "@omnara/server": ["@omnara/http", "@omnara/notify", "@omnara/config", "@omnara/db", "@omnara/core"],
  omnara: ["@omnara/sdk", "@omnara/mcp", "@omnara/server", "@omnara/config", "@omnara/contracts"],
  "@omnara/dashboard": ["@omnara/contracts", "@omnara/api"],
};
// The test harness and test-only packages may use any package; apps only through the composition root.
const unrestricted = new Set(["@omnara/testing", "@omnara/e2e", "@omnara/bench"]);
// Nothing imports these apps; @omnara/server is imported only by the CLI (`omnara serve`) and the harness.
const leafApps = new Set(["omnara", "@omnara/dashboard"]);
const serverImporters = new Set(["omnara", "@omnara/testing", "@omnara/e2e", "@omnara/bench"]);

const codeFile = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const skipDirs = new Set(["node_modules", "dist", "coverage", "test-results"]);
// TypeScript's own scanner: every import, re-export, dynamic import and require, but not a
// specifier that only appears in a string (the dashboard shows code snippets).
const specifiersOf = (source) => ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (skipDirs.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (codeFile.test(name)) yield path;
  }
}

// A subpath is public when the target's package.json `exports` lists it (e.g. `@omnara/db/schema`).
const packageOf = (specifier) => {
  const parts = specifier.split("/");
  const name = specifier.startsWith("@omnara/")
    ? parts.slice(0, 2).join("/")
    : parts[0] === "omnara"
      ? "omnara"
      : undefined;
  if (!name) return undefined;
  const subpath = `.${specifier.slice(name.length)}`;
  const exported = Object.keys(manifests.get(name)?.exports ?? { ".": "" });
  return { name, deep: !exported.includes(subpath) };
};

const isTestFile = (path) => /(^|[/\\])(test|tests|fixtures|examples)[/\\]/.test(path) || /\.test\.[a-z]+$/.test(path);

const roots = [];
for (const group of ["apps", "packages", "tooling"]) {
  for (const dir of readdirSync(group)) {
    const file = join(group, dir, "package.json");
    if (existsSync(file)) roots.push({ dir: resolve(group, dir), pkg: JSON.parse(readFileSync(file, "utf8")) });
  }
}

const manifests = new Map(roots.map(({ pkg }) => [pkg.name, pkg]));
const problems = [];
for (const { dir, pkg } of roots) {
  const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies }));
  for (const file of files(dir)) {
    const where = relative(process.cwd(), file);
    const source = readFileSync(file, "utf8");
    const inTest = isTestFile(relative(dir, file));
    for (const specifier of specifiersOf(source)) {
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier);
        if (target !== dir && !target.startsWith(dir + sep)) {
          problems.push(`${where}: "${specifier}" reaches outside ${pkg.name}; import the package instead`);
        }
        continue;
      }
      const target = packageOf(specifier);
      if (!target || target.name === pkg.name || target.name === "@omnara/tsconfig") continue;
      if (target.deep) problems.push(`${where}: "${specifier}" is a deep import; use ${target.name}'s entry`);
      if (!declared.has(target.name))
        problems.push(`${where}: imports ${target.name}, not declared in its package.json`);
      if (leafApps.has(target.name)) problems.push(`${where}: imports the app ${target.name}; nothing imports apps`);
      else if (target.name === "@omnara/server" && !serverImporters.has(pkg.name)) {
        problems.push(`${where}: imports the composition root @omnara/server (only the CLI and the test harness do)`);
      } else if (target.name === "@omnara/testing" && inTest) {
        // Every package's tests may use the harness.
      } else if (!unrestricted.has(pkg.name) && !(allowed[pkg.name] ?? []).includes(target.name)) {
        problems.push(`${where}: ${pkg.name} → ${target.name} is not an allowed arrow (see STYLE.md)`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error([...new Set(problems)].join("\n"));
  process.exit(1);
}
console.log(`dependency arrows ok (imports of ${roots.length} packages read)`);
