export type { Bus, BusEvent, BusHandler, BusTopic } from "./bus.ts";
export { createMemoryBus } from "./bus.ts";
export type { CreateDbOptions, Database, Db, Schema } from "./client.ts";
export { createDb } from "./client.ts";
export { isConnectionError } from "./connection-errors.ts";
export { DataDirInUseError } from "./data-dir-lock.ts";
export { Fanout } from "./fanout.ts";
export { migratedPgliteSnapshot, migrationsFingerprint } from "./pglite-snapshot.ts";

import * as schema from "./schema/index.ts";

export { schema };
