import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Files the package keeps beside its code. This module sits one level below the package root both
// as source (src/) and bundled (the flat chunks in dist/), so these relative URLs hold for both.

/** The package's manifest (for the version). */
export const manifestUrl = new URL("../package.json", import.meta.url);

/** The script Claude Code runs for each hook event (plain JavaScript, shipped as is). */
export const hookClientPath = fileURLToPath(new URL("../bin/omnara-hook.js", import.meta.url));

/**
 * The dashboard the published package ships in dist/dashboard. Run from source there is none
 * (src/dashboard), and the server's own default, the workspace's build, applies.
 */
export function shippedDashboardDir(): string | undefined {
  const dir = fileURLToPath(new URL("./dashboard", import.meta.url));
  return existsSync(join(dir, "index.html")) ? dir : undefined;
}

/**
 * The script this CLI was started from: bin/omnara.js in a clone, dist/main.js when installed. A
 * child `omnara` (the MCP server Claude Code starts in print mode) is started the same way.
 */
export function cliScriptPath(): string {
  const script = process.argv[1];
  if (!script) throw new Error("omnara was started without a script path");
  return realpathSync(script);
}
