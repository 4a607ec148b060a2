import { gzipSync } from "node:zlib";
import { allOperations, type Operation } from "@omnara/contracts";
import type { FuzzAccount } from "./account.ts";
import { badValues, nestedJson, unstorableText, wholeInputMutations } from "./mutations.ts";
import type { Random } from "./random.ts";
import { inputFields, seedInput, textFields } from "./seed-input.ts";
import { mcpRequest, type RawRequest, restRequest, toolCall, trpcRequest } from "./surfaces.ts";

export type Surface = "rest" | "trpc" | "mcp";

/** One malformed request, built when it is sent (tokens and ids change as the run goes). */
export interface Probe {
  surface: Surface;
  target: string;
  label: string;
  build(account: FuzzAccount): RawRequest;
}

export interface ProbeBudget {
  /** Whole-input mutations per operation and surface. */
  whole: number;
  /** One-field mutations per operation and surface. */
  fields: number;
}

/** An input built for this operation, then mutated: the mutation is what `label` names. */
type InputFor = (op: Operation, account: FuzzAccount) => unknown;

function inputMutations(op: Operation, rng: Random, budget: ProbeBudget, hidden: readonly string[]) {
  const fields = inputFields(op).filter((field) => !hidden.includes(field));
  const seedOf = (account: FuzzAccount) => {
    const seed = seedInput(op, account.world);
    for (const field of hidden) delete seed[field];
    return seed;
  };
  const mutations: Array<[string, InputFor]> = rng
    .sample(wholeInputMutations, budget.whole)
    .map(([label, mutate]) => [label, (_op, account) => mutate(seedOf(account))]);
  const pairs = fields.flatMap((field) => badValues.map(([label, value]) => [field, label, value] as const));
  for (const [field, label, value] of rng.sample(pairs, budget.fields)) {
    mutations.push([`${field}: ${label}`, (_op, account) => ({ ...seedOf(account), [field]: value() })]);
  }
  // Every free-text and JSON field, every time: these reach the database when nothing else is wrong.
  const { text, json } = textFields(op);
  for (const field of text.filter((f) => !hidden.includes(f))) {
    const [label, value] = rng.pick(unstorableText);
    mutations.push([`${field}: ${label}`, (_op, account) => ({ ...seedOf(account), [field]: value })]);
  }
  for (const field of json.filter((f) => !hidden.includes(f))) {
    const [label, value] = rng.pick(unstorableText);
    mutations.push([
      `${field}: ${label} in key and value`,
      (_op, account) => ({ ...seedOf(account), [field]: { [value]: value, nested: [{ v: value }] } }),
    ]);
  }
  return mutations;
}

/** For every operation of the registry, on each surface it has: input mutations. */
export function operationProbes(rng: Random, budget: ProbeBudget): Probe[] {
  const probes: Probe[] = [];
  for (const op of allOperations) {
    for (const [label, input] of inputMutations(op, rng, budget, [])) {
      probes.push({
        surface: "trpc",
        target: `${op.audience}.${op.id}`,
        label,
        build: (account) => trpcRequest(op, input(op, account), account.tokenFor(op.audience)),
      });
      const binding = op.rest;
      if (binding) {
        probes.push({
          surface: "rest",
          target: `${binding.method} ${binding.path}`,
          label,
          build: (account) => {
            const request = restRequest(
              op,
              input(op, account),
              account.tokenFor(op.audience),
              seedInput(op, account.world),
            );
            if (!request) throw new Error("unreachable: the operation has a REST binding");
            return request;
          },
        });
      }
    }
    const tool = op.mcp;
    if (tool) {
      for (const [label, input] of inputMutations(op, rng, budget, tool.context ?? [])) {
        probes.push({
          surface: "mcp",
          target: tool.tool,
          label,
          build: (account) => mcpRequest(account.mcp, toolCall(account.mcp, tool.tool, input(op, account))),
        });
      }
    }
  }
  return probes;
}

const withBody = allOperations.filter((op) => op.rest && !["GET", "DELETE"].includes(op.rest.method));
const withPathParams = allOperations.filter((op) => op.rest?.path.includes("{"));
const mutationsOverTrpc = allOperations.filter((op) => op.kind === "mutation");
const queriesOverTrpc = allOperations.filter((op) => op.kind !== "mutation");

const headersFor = (op: Operation, account: FuzzAccount, extra: Record<string, string>): Record<string, string> => {
  const token = account.tokenFor(op.audience);
  return { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
};

/** Bodies that break the transport, not the contract: encodings, charsets, depth, size, bytes. */
const bodyVariants: ReadonlyArray<
  readonly [string, (json: string) => { body: string | Uint8Array; headers: Record<string, string> }]
> = [
  ["charset=latin1", (json) => ({ body: json, headers: { "content-type": "application/json; charset=latin1" } })],
  ["charset=utf-16", (json) => ({ body: json, headers: { "content-type": "application/json; charset=utf-16" } })],
  ["gzip header, plain body", (json) => ({ body: json, headers: { "content-encoding": "gzip" } })],
  ["gzip body", (json) => ({ body: gzipSync(json), headers: { "content-encoding": "gzip" } })],
  ["br header, plain body", (json) => ({ body: json, headers: { "content-encoding": "br" } })],
  ["unknown encoding", (json) => ({ body: json, headers: { "content-encoding": "x-made-up" } })],
  ["text/plain", (json) => ({ body: json, headers: { "content-type": "text/plain" } })],
  ["form encoded", () => ({ body: "a=1&b=%00", headers: { "content-type": "application/x-www-form-urlencoded" } })],
  ["broken JSON", () => ({ body: '{"a": ', headers: {} })],
  [
    "invalid UTF-8 bytes",
    () => ({ body: Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: {} }),
  ],
  ["escaped NUL key", () => ({ body: '{"\\u0000":"\\u0000","content":"\\ud800"}', headers: {} })],
  ["duplicate keys", (json) => ({ body: json.replace(/^\{/, '{"content":1,'), headers: {} })],
  ["array 5000 deep", () => ({ body: nestedJson(5000), headers: {} })],
  [
    "object 5000 deep in a field",
    () => ({ body: `{"message_metadata":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`, headers: {} }),
  ],
  ["array 100000 deep", () => ({ body: nestedJson(100_000), headers: {} })],
  ["3 MB body", () => ({ body: `{"content":"${"y".repeat(3 * 1024 * 1024)}"}`, headers: {} })],
  ["empty body", () => ({ body: "", headers: {} })],
];

const rawPaths: ReadonlyArray<readonly [string, string]> = [
  ["lone %", "%"],
  ["bad hex %zz", "%zz"],
  ["encoded lone surrogate", "%ED%A0%80"],
  ["overlong NUL", "%C0%80"],
  ["encoded NUL", "%00"],
  ["invalid byte", "%FF%FE"],
  ["dot segments", "..%2F..%2Fetc%2Fpasswd"],
  ["10 000 chars", "a".repeat(10_000)],
];

const queryVariants: ReadonlyArray<readonly [string, string]> = [
  ["repeated parameters", "limit=1&limit=2&agent_instance_id=a&agent_instance_id=b"],
  ["bracket parameters", "limit[a]=1&cursor[]=x"],
  ["bad %-encoding in query", "cursor=%E0%A4%A&limit=%"],
  ["absurd cursor", "cursor=99999999999999999999999999&limit=1"],
  ["NUL in query", "agent_instance_id=%00&cursor=%00"],
  ["2000 parameters", Array.from({ length: 2000 }, (_, i) => `p${i}=${i}`).join("&")],
];

const trpcQueryVariants: ReadonlyArray<readonly [string, string]> = [
  ["input not JSON", "input=%7Bnot"],
  ["input invalid UTF-8", "input=%FF%FE"],
  ["input bad %-encoding", "input=%E0%A4%A"],
  ["input 5000 deep", `input=${encodeURIComponent(nestedJson(5000))}`],
  ["batch of junk", `batch=1&input=${encodeURIComponent('{"0":null,"1":"\\u0000","x":[]}')}`],
  ["absurd lastEventId", `input=${encodeURIComponent('{"lastEventId":"99999999999999999999999"}')}`],
  ["negative lastEventId", `input=${encodeURIComponent('{"lastEventId":"-1"}')}`],
  ["lastEventId with NUL", `input=${encodeURIComponent('{"lastEventId":"1\\u0000"}')}`],
];

/** Transport-level probes over every surface, each aimed at a random operation of a fitting kind. */
export function transportProbes(rng: Random): Probe[] {
  const probes: Probe[] = [];
  for (const [label, variant] of bodyVariants) {
    const op = rng.pick(withBody);
    const rest = op.rest;
    if (rest) {
      probes.push({
        surface: "rest",
        target: `${rest.method} ${rest.path}`,
        label,
        build: (account) => {
          const base = restRequest(
            op,
            seedInput(op, account.world),
            account.tokenFor(op.audience),
            seedInput(op, account.world),
          );
          if (!base) throw new Error("unreachable: the operation has a REST binding");
          const { body, headers } = variant(String(base.body));
          return { ...base, body, headers: { ...base.headers, ...headers } };
        },
      });
    }
    const mutation = rng.pick(mutationsOverTrpc);
    probes.push({
      surface: "trpc",
      target: `${mutation.audience}.${mutation.id}`,
      label,
      build: (account) => {
        const { body, headers } = variant(JSON.stringify(seedInput(mutation, account.world)));
        return {
          method: "POST",
          path: `/api/trpc/${mutation.audience}/${mutation.id}`,
          body,
          headers: headersFor(mutation, account, headers),
        };
      },
    });
    probes.push({
      surface: "mcp",
      target: "tools/call",
      label,
      build: (account) => {
        const message = toolCall(account.mcp, "log_step", { step_description: "step" });
        const { body, headers } = variant(JSON.stringify(message));
        return { method: "POST", path: "/mcp", body, headers: { ...account.mcp.headers, ...headers } };
      },
    });
  }
  for (const [label, raw] of rawPaths) {
    const op = rng.pick(withPathParams);
    const rest = op.rest;
    if (!rest) continue;
    probes.push({
      surface: "rest",
      target: `${rest.method} ${rest.path}`,
      label,
      build: (account) => ({
        method: rest.method,
        path: rest.path.replace(/\{(\w+)\}/g, raw),
        headers: headersFor(op, account, {}),
        ...(["GET", "DELETE"].includes(rest.method) ? {} : { body: "{}" }),
      }),
    });
    const query = rng.pick(queriesOverTrpc);
    probes.push({
      surface: "trpc",
      target: `${query.audience}.${query.id}`,
      label: `procedure path: ${label}`,
      build: (account) => ({
        method: "GET",
        path: `/api/trpc/${query.audience}/${raw}`,
        headers: headersFor(query, account, {}),
      }),
    });
  }
  const getOps = allOperations.filter((op) => op.rest?.method === "GET");
  for (const [label, query] of queryVariants) {
    const op = rng.pick(getOps);
    const rest = op.rest;
    if (!rest) continue;
    probes.push({
      surface: "rest",
      target: `${rest.method} ${rest.path}`,
      label,
      build: (account) => {
        const base = restRequest(op, {}, account.tokenFor(op.audience), seedInput(op, account.world));
        if (!base) throw new Error("unreachable: the operation has a REST binding");
        return { ...base, path: `${base.path.split("?")[0]}?${query}` };
      },
    });
  }
  for (const [label, query] of trpcQueryVariants) {
    for (const op of [rng.pick(queriesOverTrpc), ...queriesOverTrpc.filter((o) => o.kind === "subscription")]) {
      probes.push({
        surface: "trpc",
        target: `${op.audience}.${op.id}`,
        label,
        build: (account) => ({
          method: "GET",
          path: `/api/trpc/${op.audience}/${op.id}?${query}`,
          headers: headersFor(op, account, op.kind === "subscription" ? { accept: "text/event-stream" } : {}),
        }),
      });
    }
  }
  const rpc: ReadonlyArray<readonly [string, (account: FuzzAccount) => unknown]> = [
    ["arguments null", (a) => toolCall(a.mcp, "log_step", null)],
    ["arguments a string", (a) => toolCall(a.mcp, "log_step", "step")],
    ["arguments an array", (a) => toolCall(a.mcp, "log_step", ["step"])],
    [
      "arguments missing",
      (a) => ({ jsonrpc: "2.0", id: a.mcp.nextId(), method: "tools/call", params: { name: "log_step" } }),
    ],
    ["params null", (a) => ({ jsonrpc: "2.0", id: a.mcp.nextId(), method: "tools/call", params: null })],
    [
      "name a number",
      (a) => ({ jsonrpc: "2.0", id: a.mcp.nextId(), method: "tools/call", params: { name: 7, arguments: {} } }),
    ],
    ["unknown tool", (a) => toolCall(a.mcp, "no_such_tool\u0000", {})],
    ["unknown method", (a) => ({ jsonrpc: "2.0", id: a.mcp.nextId(), method: "tools/cal", params: {} })],
    ["id an object", () => ({ jsonrpc: "2.0", id: { a: 1 }, method: "tools/list" })],
    ["jsonrpc 1.0", (a) => ({ jsonrpc: "1.0", id: a.mcp.nextId(), method: "tools/list" })],
    ["batch", (a) => [toolCall(a.mcp, "log_step", null), toolCall(a.mcp, "end_session", { status: 1 })]],
    ["empty batch", () => []],
    ["message null", () => null],
    ["message a string", () => "tools/call"],
    ["initialize again", (a) => ({ jsonrpc: "2.0", id: a.mcp.nextId(), method: "initialize", params: null })],
  ];
  for (const [label, message] of rpc) {
    probes.push({
      surface: "mcp",
      target: "json-rpc",
      label,
      build: (account) => mcpRequest(account.mcp, message(account)),
    });
  }
  return probes;
}
