import { Check, Copy } from "lucide-react";
import { useCopy } from "../lib/use-copy.ts";

export function CopyButton({ text, label = "Copy", small = false }: { text: string; label?: string; small?: boolean }) {
  const { copied, copy } = useCopy();
  return (
    <button
      type="button"
      className={`btn ${small ? "btn-sm" : ""}`}
      onClick={() => void copy(text)}
      aria-label={copied ? "Copied" : label}
    >
      {copied ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </button>
  );
}
