// The manifest a published package is packed with. Inside the monorepo a package points at its
// TypeScript sources (tsx, vitest and tsc read them, no build needed) and depends on workspace
// packages; the packed one must point at its build and depend on registry packages only. npm,
// reads `publishConfig` as registry settings only (it ignores, and warns about, exports or bin
// there), so `prepack` (after the build) swaps the published manifest in and `postpack` puts the
// source one back. Run in the package's directory.
//
// The published manifest: `publishedEntries`' exports/types/main/bin replace the source ones;
// devDependencies and scripts are dropped. Workspace packages are devDependencies, bundled by the
// build (published-packages.test.ts fails if built code imports anything undeclared); every
// dependency must be a registry package at an exact version.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");
const manifestPath = join(process.cwd(), "package.json");
const backupPath = join(process.cwd(), ".package.source.json");
const OVERRIDES = ["exports", "types", "main", "bin"];

/** name → manifest of every workspace package. */
function workspacePackages() {
  const found = new Map();
  for (const group of ["apps", "packages", "tooling"]) {
    for (const dir of readdirSync(join(repoRoot, group))) {
      const file = join(repoRoot, group, dir, "package.json");
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, "utf8"));
        found.set(pkg.name, pkg);
      }
    }
  }
  return found;
}

/** Every path a manifest's entry fields name (exports, types, main, bin). */
function entryFiles(manifest) {
  const files = [];
  const collect = (value) => {
    if (typeof value === "string") files.push(value);
    else if (value && typeof value === "object") for (const inner of Object.values(value)) collect(inner);
  };
  for (const field of OVERRIDES) collect(manifest[field]);
  return files.filter((file) => file !== "./package.json");
}

function published(source) {
  const { publishedEntries = {}, devDependencies: _dev, scripts: _scripts, ...manifest } = source;
  const overrides = Object.fromEntries(Object.entries(publishedEntries).filter(([key]) => OVERRIDES.includes(key)));
  const workspace = workspacePackages();
  const dependencies = {};
  const problems = [];
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (workspace.has(name)) problems.push(`${name} is a workspace package: list it in devDependencies (bundled)`);
    else if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range)) problems.push(`${name}@${range} is not an exact version`);
    dependencies[name] = range;
  }
  const result = { ...manifest, ...overrides, dependencies };
  if (Object.keys(dependencies).length === 0) delete result.dependencies;
  for (const file of entryFiles(result)) {
    if (file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.endsWith(".d.cts")) {
      problems.push(`entry ${file} is TypeScript source: point publishConfig at the build`);
    } else if (!existsSync(join(process.cwd(), file))) {
      problems.push(`entry ${file} is missing: the build did not produce it`);
    }
  }
  if (problems.length > 0) throw new Error(`${source.name} cannot be packed:\n  ${problems.join("\n  ")}`);
  return result;
}

function apply() {
  if (existsSync(backupPath)) {
    throw new Error(`${backupPath} exists: an earlier pack did not finish. Run "node ${process.argv[1]} restore".`);
  }
  const source = readFileSync(manifestPath, "utf8");
  const manifest = published(JSON.parse(source));
  writeFileSync(backupPath, source);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

function restore() {
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath);
  rmSync(backupPath, { force: true });
}

const command = process.argv[2];
if (command === "apply") apply();
else if (command === "restore") restore();
else throw new Error("usage: publish-manifest.mjs apply|restore");
