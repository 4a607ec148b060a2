// The dependency arrows of STYLE.md, checked: a workspace package may depend only on the
// workspace packages listed for it. An arrow the other way means code is in the wrong room.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

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
  "@omnara/server": ["@omnara/http", "@omnara/config", "@omnara/db", "@omnara/core"],
  omnara: ["@omnara/sdk", "@omnara/mcp", "@omnara/http", "@omnara/config", "@omnara/contracts"],
  "@omnara/dashboard": ["@omnara/contracts", "@omnara/api"],
};
// Test-only packages may use anything but apps.
const unrestricted = new Set(["@omnara/testing", "@omnara/e2e", "@omnara/bench", "@omnara/tsconfig"]);
const apps = new Set(["@omnara/server", "omnara", "@omnara/dashboard"]);
// Published packages list the workspace packages they bundle as devDependencies (the published
// manifest depends on registry packages only): those are their code's arrows too.
const bundling = new Set(["omnara", "@omnara/sdk"]);

const problems = [];
for (const group of ["apps", "packages", "tooling"]) {
  for (const dir of readdirSync(group)) {
    const file = join(group, dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    const bundled = bundling.has(pkg.name)
      ? Object.keys(pkg.devDependencies ?? {}).filter((name) => !unrestricted.has(name))
      : [];
    const deps = [...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }), ...bundled].filter(
      (name) => name.startsWith("@omnara/") || name === "omnara",
    );
    for (const dep of deps) {
      if (dep === "@omnara/tsconfig") continue;
      if (apps.has(dep)) problems.push(`${pkg.name} depends on the app ${dep}: nothing imports apps`);
      else if (!unrestricted.has(pkg.name) && !(allowed[pkg.name] ?? []).includes(dep)) {
        problems.push(`${pkg.name} → ${dep} is not an allowed arrow (see STYLE.md)`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("dependency arrows ok");
