import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, FakeStripe, startChildServer } from "@omnara/testing";
import { instanceCreationRate } from "./instance-creation.ts";

/**
 * What the plan limit costs where instances are created: the same load on a server without
 * billing (baseline) and with it (users on Pro), each on its own fresh database.
 */
export async function creationLines(options: { concurrency: number; durationMs: number }): Promise<string[]> {
  const { concurrency: CONCURRENCY, durationMs: DURATION_MS } = options;
  const stripe = await FakeStripe.start();
  const run = async (env: Record<string, string>, usersOnPro: boolean, oneUser = false) => {
    const database = await createTestDatabase("postgres");
    const child = await startChildServer({
      DATABASE_URL: database.url ?? "",
      OMNARA_DATA_DIR: mkdtempSync(join(tmpdir(), "omnara-bench-")),
      OMNARA_RATE_LIMIT_PER_MINUTE: "0",
      OMNARA_AUTH_RATE_LIMIT_PER_MINUTE: "0",
      ...env,
    });
    try {
      return await instanceCreationRate(child.url, database.url ?? "", {
        concurrency: CONCURRENCY,
        durationMs: DURATION_MS,
        usersOnPro,
        oneUser,
      });
    } finally {
      await child.stop();
      await database.drop();
    }
  };
  try {
    const off = await run({}, false);
    const on = await run(stripe.env(), true);
    const oneUser = await run(stripe.env(), true, true);
    const offOneUser = await run({}, false, true);
    return [
      `Instance creation (first message of a new instance), ${CONCURRENCY} concurrent, REST`,
      "",
      "| measure | value | baseline (same run) | ratio |",
      "|---|---|---|---|",
      `| new instances/s with the plan limit (billing on), one user per lane | ${on.toFixed(0)} /s | billing off ${off.toFixed(0)} /s | ${(on / off).toFixed(2)} |`,
      `| new instances/s with the plan limit, all lanes one user (its row lock serializes) | ${oneUser.toFixed(0)} /s | billing off ${offOneUser.toFixed(0)} /s | ${(oneUser / offOneUser).toFixed(2)} |`,
    ];
  } finally {
    await stripe.close();
  }
}
