import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, startChildServer, startCountingProxy } from "@omnara/testing";
import { roundTrips } from "./round-trips.ts";
const database = await createTestDatabase("postgres");
const proxy = await startCountingProxy({ host: "127.0.0.1", port: 5432 });
const server = await startChildServer({
  DATABASE_URL: proxy.url(database.url ?? ""),
  OMNARA_DATA_DIR: mkdtempSync(join(tmpdir(), "omnara-bench-")),
  OMNARA_RATE_LIMIT_PER_MINUTE: "0",
  OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: "0",
});
try {
  const r = await roundTrips(server.url, proxy, 15);
  console.log(r.step, r.question, r.reply, r.background);
  console.log("STEP\n" + r.stepStatements.map((s) => s.trim().slice(0, 90).replace(/\s+/g, " ")).join("\n"));
  console.log("QUESTION\n" + r.questionStatements.map((s) => s.trim().slice(0, 90).replace(/\s+/g, " ")).join("\n"));
  console.log("REPLY\n" + r.replyStatements.map((s) => s.trim().slice(0, 90).replace(/\s+/g, " ")).join("\n"));
} finally { await server.stop(); await proxy.close(); await database.drop(); }
