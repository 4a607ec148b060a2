/**
 * A one-line, plain-text preview of markdown for lists: no `##`, fences, emphasis markers,
 * link targets or question markers, the words themselves kept.
 */
export function plainPreview(markdown: string, maxChars = 240): string {
  const text = markdown
    .slice(0, maxChars * 8)
    .replace(/\[(YES\/NO|OPTIONS|\/OPTIONS)\]/gi, " ")
    .replace(/^\s*(```|~~~)[^\n]*$/gm, " ")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/^\s{0,3}#{1,6}\s+/gm, "")
    .replace(/^\s{0,3}>\s?/gm, "")
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/gm, "")
    .replace(/^\s*\|?[\s:|-]*-{3,}[\s:|-]*$/gm, " ")
    .replace(/^\s*(?:\*{3,}|_{3,})\s*$/gm, " ")
    .replace(/(\*\*|__|~~)(.+?)\1/g, "$2")
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, "$1$2")
    .replace(/`+([^`]*)`+/g, "$1")
    .replace(/<\/?[a-z][^>]*>/gi, "")
    .replace(/\|/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
