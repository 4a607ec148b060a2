/** Enough for a lock screen; the rest of the message never leaves the server in a notification. */
const MAX_CHARS = 140;

/** The first non-blank line, cut at a code point boundary with an ellipsis when too long. */
export function firstLine(content: string): string {
  const line = content
    .split(/\r?\n/)
    .map((part) => part.trim())
    .find((part) => part.length > 0);
  if (!line) return "";
  const chars = Array.from(line);
  return chars.length <= MAX_CHARS
    ? line
    : `${chars
        .slice(0, MAX_CHARS - 1)
        .join("")
        .trimEnd()}…`;
}
