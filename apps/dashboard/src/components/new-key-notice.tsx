import { ShieldAlert } from "lucide-react";
import { CopyButton } from "./copy-button.tsx";

/** A key is shown once: only its hash is stored on the server. */
export function NewKeyNotice({ apiKey, name }: { apiKey: string; name: string }) {
  return (
    <output className="stack">
      <div className="row">
        <ShieldAlert aria-hidden="true" width={18} height={18} color="var(--amber)" />
        <strong>Copy “{name}” now: it won’t be shown again.</strong>
      </div>
      <div className="secret">
        <code data-testid="new-api-key">{apiKey}</code>
        <CopyButton text={apiKey} label="Copy key" small />
      </div>
    </output>
  );
}
