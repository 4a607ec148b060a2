import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The dashboard built in this repository (apps/dashboard/dist), if it has been built: the default
 * of a server run from a clone. The published CLI passes the one it ships instead.
 */
export function repositoryDashboardDir(): string | undefined {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../dashboard/dist");
  return existsSync(join(dir, "index.html")) ? dir : undefined;
}
