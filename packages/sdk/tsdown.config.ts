import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  // ESM for today's tools, CommonJS for require() callers; each with its own .d.ts/.d.cts.
  format: ["esm", "cjs"],
  platform: "neutral",
  target: "es2022",
  dts: { eager: true },
  clean: true,
  // Only src/, without Node types: the build then also proves the entry needs no Node API.
  tsconfig: "tsconfig.runtime.json",
  deps: {
    // Bundled, so the published package depends on zod alone. @omnara/contracts is private.
    // @trpc/client declares required peers (@trpc/server, typescript): as a dependency, npm would
    // install a TypeScript compiler into every user's project. Only its HTTP link is used, and none
    // of its types reach our .d.ts.
    alwaysBundle: ["@omnara/contracts", "@trpc/client", "@trpc/server"],
    // Anything else the build would inline fails it: a new dependency must be declared.
    onlyBundle: ["@trpc/client", "@trpc/server"],
  },
});
