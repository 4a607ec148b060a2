import type { HLJSApi, LanguageFn } from "highlight.js";

type Loader = () => Promise<{ default: LanguageFn }>;

/**
 * The languages agents write most, each its own chunk: the first code block in one of them
 * loads highlight.js's core and that grammar, and nothing is loaded for a chat without code.
 */
const grammars: Record<string, Loader> = {
  bash: () => import("highlight.js/lib/languages/bash"),
  css: () => import("highlight.js/lib/languages/css"),
  diff: () => import("highlight.js/lib/languages/diff"),
  go: () => import("highlight.js/lib/languages/go"),
  java: () => import("highlight.js/lib/languages/java"),
  javascript: () => import("highlight.js/lib/languages/javascript"),
  json: () => import("highlight.js/lib/languages/json"),
  markdown: () => import("highlight.js/lib/languages/markdown"),
  python: () => import("highlight.js/lib/languages/python"),
  rust: () => import("highlight.js/lib/languages/rust"),
  sql: () => import("highlight.js/lib/languages/sql"),
  typescript: () => import("highlight.js/lib/languages/typescript"),
  xml: () => import("highlight.js/lib/languages/xml"),
  yaml: () => import("highlight.js/lib/languages/yaml"),
};

const aliases: Record<string, string> = {
  sh: "bash",
  shell: "bash",
  zsh: "bash",
  console: "bash",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  ts: "typescript",
  tsx: "typescript",
  py: "python",
  rs: "rust",
  yml: "yaml",
  html: "xml",
  svg: "xml",
  md: "markdown",
  patch: "diff",
  golang: "go",
};

/** The grammar's name for a fence's info string ("ts", "Shell"…), or undefined when none is bundled. */
export function grammarFor(language: string | undefined): string | undefined {
  if (!language) return undefined;
  const name = language.toLowerCase();
  const resolved = aliases[name] ?? name;
  return resolved in grammars ? resolved : undefined;
}

/** Longer blocks are shown plain: highlighting them would hold the main thread. */
const MAX_HIGHLIGHTED_CHARS = 20_000;

let core: Promise<HLJSApi> | undefined;
const registered = new Map<string, Promise<void>>();

async function withGrammar(name: string): Promise<HLJSApi> {
  core ??= import("highlight.js/lib/core").then((module) => module.default);
  const hljs = await core;
  let loading = registered.get(name);
  if (!loading) {
    const load = grammars[name];
    loading = load ? load().then((grammar) => hljs.registerLanguage(name, grammar.default)) : Promise.resolve();
    registered.set(name, loading);
  }
  await loading;
  return hljs;
}

/**
 * The code as highlight.js's HTML (its spans around escaped text: the code's own markup is
 * never interpreted), or undefined when the language is unknown or the block too long.
 */
export async function highlightCode(code: string, language: string | undefined): Promise<string | undefined> {
  const name = grammarFor(language);
  if (!name || code.length > MAX_HIGHLIGHTED_CHARS) return undefined;
  const hljs = await withGrammar(name);
  return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
}
