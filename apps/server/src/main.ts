import { ConfigError, loadConfig } from "@omnara/config";
import { DataDirInUseError } from "@omnara/db";
import { startServer } from "@omnara/http";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const server = await startServer(config);
  const where = config.databaseUrl ? "Postgres (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`;
  console.log(`Omnara is running at ${server.url}  (role: ${config.role}, database: ${where})`);
  console.log(`  dashboard  ${server.url}/`);
  console.log(`  REST API   ${server.url}/api/v1  (OpenAPI: ${server.url}/openapi.json)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining connections…`);
    await server.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof DataDirInUseError ? error.message : error);
  process.exit(1);
});
