import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allOperations, type Operation, v1Operations } from "@omnara/contracts";
import * as core from "@omnara/core";
import { describe, expect, test } from "vitest";

const routersDir = join(import.meta.dirname, "../src/routers");

type Call = { file: string; key: string; calls: string };

/**
 * `key: ({ ctx, input }) => … core.name(` for every handler in the router files, and apart from
 * them the owner-first attempts (the maps exported as `…OwnerFirst`, see fromContract).
 */
function routerCalls(): { handlers: Call[]; ownerFirst: Call[] } {
  const handlers: Call[] = [];
  const ownerFirst: Call[] = [];
  for (const audience of readdirSync(routersDir)) {
    for (const file of readdirSync(join(routersDir, audience))) {
      const source = readFileSync(join(routersDir, audience, file), "utf8");
      for (const block of source.split(/^(?=export const )/m)) {
        const into = /^export const \w+OwnerFirst\b/.test(block) ? ownerFirst : handlers;
        const handler = /^ {2}(\w+): (?:async )?\(\{[^}]*\}\) =>[\s\S]*?\bcore\.(\w+)\(/gm;
        for (const match of block.matchAll(handler)) {
          into.push({ file: `${audience}/${file}`, key: match[1] ?? "", calls: match[2] ?? "" });
        }
      }
    }
  }
  return { handlers, ownerFirst };
}

const v1: ReadonlySet<Operation> = new Set(Object.values(v1Operations));

/**
 * The core function behind an operation: its id, or for a v1 operation the id of ours it
 * mirrors (v1SendMessage → sendMessage): v1 differs in its contract, not in its domain call.
 */
const coreName = (op: Operation): string =>
  v1.has(op) ? op.id.replace(/^v1(\w)/, (_, first: string) => first.toLowerCase()) : op.id;

describe("names are the operation ids in every layer", () => {
  test("each operation has a core function of the same name", () => {
    const missing = allOperations
      .filter((op) => typeof Reflect.get(core, coreName(op)) !== "function")
      .map((op) => op.id);
    expect(missing).toEqual([]);
  });

  test("each procedure's handler calls the core function named as its operation", () => {
    const calls = routerCalls().handlers;
    expect(calls.map((c) => c.key).sort()).toEqual(allOperations.map((op) => op.id).sort());
    const expected = new Map(allOperations.map((op) => [op.id, coreName(op)]));
    expect(calls.filter((c) => c.calls !== expected.get(c.key))).toEqual([]);
  });

  test("an owner-first attempt calls the core function named as its operation with AsOwner", () => {
    const calls = routerCalls().ownerFirst;
    expect(calls.length).toBeGreaterThan(0);
    const ids = new Set(allOperations.map((op) => op.id));
    expect(calls.filter((c) => !ids.has(c.key) || c.calls !== `${c.key}AsOwner`)).toEqual([]);
  });
});
