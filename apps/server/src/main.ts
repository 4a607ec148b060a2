import { ConfigError, loadConfig } from "@omnara/config";
import { DataDirInUseError } from "@omnara/db";
import { bannerLines } from "./banner.ts";
import { createServer } from "./create-server.ts";
import { stopOnSignal } from "./stop-on-signal.ts";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const server = await createServer(config, {
    log: (error) => console.error("[omnara]", error),
    notice: (line) => console.log(`[omnara] ${line}`),
  });
  for (const line of bannerLines(server.url, config)) console.log(line);
  await stopOnSignal(server, (signal) => console.log(`${signal}: draining connections…`));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof DataDirInUseError ? error.message : error);
  process.exit(1);
});
