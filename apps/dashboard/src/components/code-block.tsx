import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { grammarFor, highlightCode } from "../lib/highlight.ts";
import { useCopy } from "../lib/use-copy.ts";

/** Plain at first; coloured once its grammar has loaded (a few KB, fetched on first use). */
export function CodeBlock({ code, language }: { code: string; language?: string | undefined }) {
  const { copied, copy } = useCopy();
  const [html, setHtml] = useState<string>();
  const grammar = grammarFor(language);

  useEffect(() => {
    let current = true;
    setHtml(undefined);
    highlightCode(code, language)
      .then((value) => {
        if (current) setHtml(value);
      })
      // A chunk that failed to load (offline) leaves the block plain, which is still correct.
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [code, language]);

  return (
    <div className="code-block">
      <div className="code-block-head">
        <span>{language ?? "text"}</span>
        <button
          type="button"
          className="btn btn-ghost btn-sm btn-icon"
          onClick={() => void copy(code)}
          aria-label={copied ? "Copied" : "Copy code"}
        >
          {copied ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
        </button>
      </div>
      <pre>
        {html !== undefined ? (
          // highlight.js escapes the code and adds only its own <span class="hljs-…"> around it.
          <code
            className={`hljs language-${grammar}`}
            data-highlighted="yes"
            // biome-ignore lint/security/noDangerouslySetInnerHtml: highlight.js output, escaped text in its own spans
            dangerouslySetInnerHTML={{ __html: html }}
          />
        ) : (
          <code>{code}</code>
        )}
      </pre>
    </div>
  );
}
