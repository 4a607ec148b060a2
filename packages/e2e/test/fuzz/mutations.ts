import { limits } from "@omnara/contracts";

/** JSON text nested `depth` arrays deep around `inner`. */
export const nestedJson = (depth: number, inner = "1"): string => `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`;

/** A value nested `depth` objects deep. */
export function nestedValue(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

/** Values no field of any contract should turn into a 5xx, each named for the report. */
export const badValues: ReadonlyArray<readonly [string, () => unknown]> = [
  ["NUL in text", () => "terminal\u0000output"],
  ["only NUL", () => "\u0000"],
  ["lone high surrogate", () => "half \ud800 a pair"],
  ["lone low surrogate", () => "\udc00"],
  ["reversed pair", () => "\udc00\ud800"],
  ["control characters", () => "\u0001\u0007\u001b[31mred\u001b[0m\r\n"],
  ["bidi and zero-width", () => "\u202e\u200b\ufeffabc"],
  ["emoji", () => "🙂👩‍💻"],
  ["empty string", () => ""],
  ["whitespace", () => "   "],
  ["huge string", () => "h".repeat(limits.messageChars * 2)],
  ["null", () => null],
  ["true", () => true],
  ["zero", () => 0],
  ["negative", () => -1],
  ["fraction", () => 1.5],
  ["huge number", () => 1e308],
  ["digits beyond int64", () => "99999999999999999999999"],
  ["huge integer", () => 1e23],
  ["negative digits", () => "-9223372036854775809"],
  ["NaN text", () => "NaN"],
  ["Infinity text", () => "Infinity"],
  ["array", () => ["a", 1]],
  ["empty object", () => ({})],
  ["object with NUL key", () => ({ "k\u0000": "v", "\ud800": "\u0000" })],
  ["__proto__ object", () => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}')],
  ["deep object", () => nestedValue(200)],
  ["nil uuid", () => "00000000-0000-0000-0000-000000000000"],
  ["uppercase uuid", () => "6F9619FF-8B86-D011-B42D-00C04FC964FF"],
  ["uuid with NUL", () => "6f9619ff-8b86-d011-b42d-00c04fc964f\u0000"],
  ["sql", () => "'; drop table users; --"],
  ["percent text", () => "%00%ff%"],
  ["long id", () => "x".repeat(5000)],
  ["iso date", () => "2024-13-45T99:99:99Z"],
];

/** What Postgres cannot store as text or jsonb: the input rule replaces it with U+FFFD. */
export const unstorableText: ReadonlyArray<readonly [string, string]> = [
  ["NUL", "terminal\u0000output"],
  ["lone high surrogate", "half \ud800 a pair"],
  ["lone low surrogate", "\udc00 tail"],
];

export type InputMutation = readonly [string, (seed: Record<string, unknown>) => unknown];

/** Mutations of the input as a whole (not of one field). */
export const wholeInputMutations: readonly InputMutation[] = [
  ["input null", () => null],
  ["input array", (seed) => [seed]],
  ["input string", () => "input"],
  ["input number", () => 42],
  ["input empty", () => ({})],
  ["unknown fields", (seed) => ({ ...seed, zz_unknown: "\u0000", __proto__x: 1 })],
  ["every string NUL", (seed) => mapStrings(seed, (s) => `${s}\u0000`)],
  ["every string a lone surrogate", (seed) => mapStrings(seed, (s) => `${s}\ud800`)],
];

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  }
  return value;
}
