export type { Bus, BusEvent, BusHandler } from "./bus.ts";
export { createMemoryBus } from "./bus.ts";
export type { CreateDbOptions, Database, Db, Schema } from "./client.ts";
export { createDb } from "./client.ts";
export { DataDirInUseError } from "./data-dir-lock.ts";
export * as schema from "./schema/index.ts";
