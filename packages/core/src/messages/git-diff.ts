/**
 * Omnara's Python SDK sends git diffs base64-encoded; everyone else sends them as text. A diff
 * that is valid base64 of a unified diff is decoded; anything else is kept as sent.
 */
const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;
const looksLikeDiff = (text: string): boolean => /^(diff --git |--- |Index: |\+\+\+ )/m.test(text);

export function normalizeGitDiff(diff: string): string {
  if (diff === "" || looksLikeDiff(diff) || !BASE64.test(diff)) return diff;
  const decoded = Buffer.from(diff, "base64").toString("utf8");
  return looksLikeDiff(decoded) ? decoded : diff;
}
