import { inspect } from "node:util";
import { ConfigError, homeDataDir, loadConfig } from "@omnara/config";
import { bannerLines, createServer, DataDirInUseError, databaseDescription, stopOnSignal } from "@omnara/server";
import { CliError } from "../cli-error.ts";
import { inheritedEnv } from "../env.ts";
import { printJson, say } from "../output.ts";
import { shippedDashboardDir } from "../package-files.ts";

export interface ServeOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  json?: boolean;
}

/**
 * The whole platform on this machine: the same server `npm start` runs, with its data under
 * ~/.omnara (or --data-dir) unless DATABASE_URL names a Postgres. Resolves when it has stopped.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const env = inheritedEnv({
    ...(options.port !== undefined ? { PORT: options.port } : {}),
    ...(options.host !== undefined ? { HOST: options.host } : {}),
    ...(options.dataDir !== undefined ? { OMNARA_DATA_DIR: options.dataDir } : {}),
  });
  let config: ReturnType<typeof loadConfig>;
  try {
    const loaded = loadConfig(env, { defaultDataDir: homeDataDir() });
    // The published package serves the dashboard it ships; OMNARA_DASHBOARD_DIR still wins.
    config = { ...loaded, dashboardDir: loaded.dashboardDir ?? shippedDashboardDir() };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError("INVALID_ARGUMENT", error.message);
    throw error;
  }
  const server = await createServer(config, {
    log: (error) => say(`[omnara] ${inspect(error)}`),
    notice: (line) => say(`[omnara] ${line}`),
  }).catch((error: unknown) => {
    if (error instanceof DataDirInUseError) {
      throw new CliError("DATA_DIR_IN_USE", error.message, "Run one `omnara serve` per data dir, or pass --data-dir.");
    }
    throw error;
  });
  if (options.json) {
    const database = databaseDescription(config);
    printJson({ url: server.url, dashboard_url: `${server.url}/`, api_url: `${server.url}/api/v1`, database });
  } else {
    for (const line of bannerLines(server.url, config)) say(line);
    const baseUrlFlag = server.url === "http://127.0.0.1:8080" ? "" : ` --base-url ${server.url}`;
    say(`  sign in:   omnara login${baseUrlFlag}`);
  }
  await stopOnSignal(server, () => say("Stopping: draining connections…"));
  return 0;
}
