import { ConfigError, homeDataDir, loadConfig } from "@omnara/config";
import { DataDirInUseError, startServer } from "@omnara/http";
import { CliError } from "../cli-error.ts";
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
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...(options.port !== undefined ? { PORT: options.port } : {}),
    ...(options.host !== undefined ? { HOST: options.host } : {}),
    ...(options.dataDir !== undefined ? { OMNARA_DATA_DIR: options.dataDir } : {}),
  };
  let config: ReturnType<typeof loadConfig>;
  try {
    const loaded = loadConfig(env, { defaultDataDir: homeDataDir() });
    // The published package serves the dashboard it ships; OMNARA_DASHBOARD_DIR still wins.
    config = { ...loaded, dashboardDir: loaded.dashboardDir ?? shippedDashboardDir() };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError("INVALID_ARGUMENT", error.message);
    throw error;
  }
  const server = await startServer(config).catch((error: unknown) => {
    if (error instanceof DataDirInUseError) {
      throw new CliError("DATA_DIR_IN_USE", error.message, "Run one `omnara serve` per data dir, or pass --data-dir.");
    }
    throw error;
  });
  const database = config.databaseUrl ? "Postgres (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`;
  if (options.json) {
    printJson({ url: server.url, dashboard_url: `${server.url}/`, api_url: `${server.url}/api/v1`, database });
  } else {
    say(`Omnara is running at ${server.url}  (database: ${database})`);
    say(`  dashboard  ${server.url}/`);
    say(`  REST API   ${server.url}/api/v1  (OpenAPI: ${server.url}/openapi.json)`);
    const baseUrlFlag = server.url === "http://127.0.0.1:8080" ? "" : ` --base-url ${server.url}`;
    say(`  sign in:   omnara login${baseUrlFlag}`);
  }
  return new Promise((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      say("Stopping: draining connections…");
      void server.close().then(() => resolve(0));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
