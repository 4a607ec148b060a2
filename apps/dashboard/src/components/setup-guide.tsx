import { useState } from "react";
import { setupSnippets } from "../lib/setup-snippets.ts";
import { CodeBlock } from "./code-block.tsx";

export function SetupGuide({ apiKey }: { apiKey: string }) {
  const snippets = setupSnippets(window.location.origin, apiKey);
  const [selected, setSelected] = useState(snippets[0]?.id ?? "");
  const current = snippets.find((s) => s.id === selected) ?? snippets[0];
  return (
    <div className="stack">
      <div className="segmented" role="tablist" aria-label="Setup for">
        {snippets.map((s) => (
          <button
            key={s.id}
            type="button"
            role="tab"
            id={`setup-tab-${s.id}`}
            aria-selected={s.id === current?.id}
            aria-controls="setup-panel"
            onClick={() => setSelected(s.id)}
          >
            {s.label}
          </button>
        ))}
      </div>
      {current ? (
        <div
          id="setup-panel"
          role="tabpanel"
          aria-labelledby={`setup-tab-${current.id}`}
          className="stack"
          data-testid={`setup-${current.id}`}
        >
          <p className="muted">{current.intro}</p>
          {current.blocks.map((block) => (
            <div key={block.caption} className="snippet">
              <span className="subtle">{block.caption}</span>
              <CodeBlock code={block.code} language={block.language} />
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
