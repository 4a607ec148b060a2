export { DataDirInUseError } from "@omnara/db";
export { bannerLines, databaseDescription } from "./banner.ts";
export { createServer, type NotificationOptions, type RunningServer, type ServerOptions } from "./create-server.ts";
export { stopOnSignal } from "./stop-on-signal.ts";
