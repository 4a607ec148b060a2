import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { instanceStatuses } from "@omnara/contracts";
import { describe, expect, test } from "vitest";
import { type InstanceEvent, instanceEvents, transitions } from "../src/instances/status-machine.ts";

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(resolve(here, "../../../README.md"), "utf8");

const eventLabels: Record<InstanceEvent, string> = {
  step: "agent step",
  question: "agent question",
  requestInput: "agent request-input",
  userReply: "user reply",
  heartbeat: "heartbeat",
  endCompleted: "end COMPLETED",
  endFailed: "end FAILED",
  processGone: "end DISCONNECTED (process went away)",
  markCompleted: "user marks completed",
  delete: "user deletes",
};

/** The README's transition table, rendered from the module's table. */
function renderTable(): string {
  const header = `| event | ${instanceStatuses.map((status) => `from \`${status}\``).join(" | ")} |`;
  const rule = `|---|${instanceStatuses.map(() => "---").join("|")}|`;
  const rows = instanceEvents.map((event) => {
    const cells = instanceStatuses.map((from) => {
      const outcome = transitions[from][event];
      if (typeof outcome !== "string") return outcome.reject === "CONFLICT" ? "409 CONFLICT" : "404";
      return outcome === from ? "stays" : `\`${outcome}\``;
    });
    return `| ${eventLabels[event]} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

describe("the status machine", () => {
  test("the README's transition table is the module's table", () => {
    const start = "<!-- status-table:start -->\n";
    const end = "\n<!-- status-table:end -->";
    const section = readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end));
    expect(readme).toContain(start);
    expect(section, `README.md should hold, between the status-table markers:\n${renderTable()}`).toBe(renderTable());
  });

  test("the rules the product promises hold in the table", () => {
    for (const from of instanceStatuses) {
      // A heartbeat never takes a waiting agent out of AWAITING_INPUT, nor ends anything.
      if (from === "AWAITING_INPUT") expect(transitions[from].heartbeat).toBe("AWAITING_INPUT");
    }
    const agentEvents: InstanceEvent[] = [
      "step",
      "question",
      "requestInput",
      "heartbeat",
      "endCompleted",
      "endFailed",
      "processGone",
    ];
    for (const final of ["COMPLETED", "FAILED"] as const) {
      for (const event of [...agentEvents, "userReply", "markCompleted"] as const) {
        const outcome = transitions[final][event];
        // Final: either it stays, or the event is refused; never another status.
        expect(typeof outcome === "string" ? outcome : final, `${final} × ${event}`).toBe(final);
      }
    }
    for (const event of instanceEvents) expect(transitions.DELETED[event]).toEqual({ reject: "NOT_FOUND" });
    // A question to a finished session is refused, so nobody waits on what the dashboard shows as done.
    expect(transitions.COMPLETED.question).toEqual({ reject: "CONFLICT" });
    expect(transitions.FAILED.requestInput).toEqual({ reject: "CONFLICT" });
  });

  test("no write path outside the status machine sets an instance's status", () => {
    const src = resolve(here, "../src");
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
    const offenders = files.filter((file) => {
      if (file.endsWith("status-machine.ts")) return false;
      const text = readFileSync(join(src, file), "utf8");
      // An update of agent_instances whose .set() names status.
      return /update\(agentInstances\)\s*\.set\(\{[^}]*\bstatus\b/.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
