import { defineConfig } from "tsdown";

// The published `omnara`: one ESM bundle for plain Node, split at each command's dynamic import so
// `omnara --help`, `login` and `mcp` never load the server, its database or the push providers.
export default defineConfig({
  entry: ["src/main.ts"],
  format: "esm",
  platform: "node",
  target: "node20",
  outDir: "dist",
  fixedExtension: false,
  clean: true,
  dts: false,
  deps: {
    // Workspace packages (devDependencies) are compiled in. The tRPC client and server are too: as
    // dependencies, their required `typescript` peer would install a compiler for every user.
    alwaysBundle: [/^@omnara\//, "@trpc/client", "@trpc/server"],
    // Any other package must be a pinned dependency in package.json: the build fails otherwise.
    onlyBundle: ["@trpc/client", "@trpc/server"],
  },
  // The dashboard `omnara serve` ships is built straight into dist/dashboard by package.json's
  // build script (its own vite build, not a copy of apps/dashboard/dist, which tests rebuild).
  copy: [
    // @omnara/db reads its migrations from `../migrations` beside its code: bundled into dist/,
    // that is the package root.
    { from: "../../packages/db/migrations", to: "." },
  ],
});
