import { Check, Copy } from "lucide-react";
import { useCopy } from "../lib/use-copy.ts";

export function CodeBlock({ code, language }: { code: string; language?: string | undefined }) {
  const { copied, copy } = useCopy();
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
        <code>{code}</code>
      </pre>
    </div>
  );
}
