/** A message longer than either is collapsed in the chat, with "Show all". */
export const COLLAPSE_LINES = 40;
export const COLLAPSE_CHARS = 4 * 1024;
/** What a collapsed message shows of itself. */
const PREVIEW_LINES = 24;
const PREVIEW_CHARS = 2_400;

export interface LongText {
  long: boolean;
  lines: number;
  /** The head shown while collapsed (the whole text when it is not long). */
  preview: string;
}

export function measureText(text: string): LongText {
  let lines = 1;
  let cut = -1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 10) continue;
    lines++;
    if (lines === PREVIEW_LINES + 1) cut = i;
  }
  const long = lines > COLLAPSE_LINES || text.length > COLLAPSE_CHARS;
  if (!long) return { long, lines, preview: text };
  const end = Math.min(cut === -1 ? text.length : cut, PREVIEW_CHARS);
  return { long, lines, preview: text.slice(0, end) };
}
