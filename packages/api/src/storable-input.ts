import { limits, OmnaraError } from "@omnara/contracts";

// NUL, a high surrogate with no low one after it, a low surrogate with no high one before it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * One rule for text Postgres cannot store: NUL and unpaired UTF-16 surrogates become U+FFFD,
 * in every string of every input (keys included), on every surface. An agent piping raw
 * terminal output keeps its step, with the one bad character visibly replaced, instead of
 * losing it to an error it cannot fix by retrying.
 */
export const storableText = (text: string): string => text.replace(UNSTORABLE, "\uFFFD");

const tooDeep = (path: readonly string[]): OmnaraError =>
  new OmnaraError("BAD_REQUEST", `Input is nested deeper than ${limits.inputDepth} levels; send flatter data.`, {
    issues: [{ path: path.join("."), message: `nested deeper than ${limits.inputDepth} levels` }],
  });

/**
 * The raw input with the text rule applied, refused when nested deeper than limits.inputDepth
 * (deep inputs would otherwise overflow the stack of the validators and serializers after it).
 */
export function storableInput(value: unknown, depth = 0, path: string[] = []): unknown {
  if (typeof value === "string") return storableText(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= limits.inputDepth) throw tooDeep(path);
  if (Array.isArray(value)) return value.map((item, i) => storableInput(item, depth + 1, [...path, String(i)]));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [storableText(key), storableInput(item, depth + 1, [...path, key])]),
  );
}
