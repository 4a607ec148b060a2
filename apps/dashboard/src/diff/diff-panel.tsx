import { useMemo, useState } from "react";
import { type DiffFile, parseGitDiff } from "../lib/git-diff.ts";

const badge: Record<DiffFile["change"], string> = { added: "A", deleted: "D", modified: "M", renamed: "R" };

function FileDiff({ file }: { file: DiffFile }) {
  return (
    <section className="card diff-file" aria-label={`Changes in ${file.path}`} data-testid="diff-file">
      <header className="diff-file-head">
        <span className={`change-badge change-${file.change}`} title={file.change}>
          {badge[file.change]}
        </span>
        <span className="truncate" style={{ flex: 1 }}>
          {file.change === "renamed" && file.oldPath ? `${file.oldPath} → ` : ""}
          {file.path}
        </span>
        <span className="adds">+{file.additions}</span>
        <span className="dels">−{file.deletions}</span>
      </header>
      {file.binary ? (
        <p className="subtle" style={{ padding: 14 }}>
          Binary file changed.
        </p>
      ) : file.hunks.length === 0 ? (
        <p className="subtle" style={{ padding: 14 }}>
          No content changes{file.change === "renamed" ? " (renamed only)" : ""}.
        </p>
      ) : (
        <div className="diff-scroll">
          <table className="diff-table">
            {file.hunks.map((hunk, h) => (
              // Hunks and lines have no identity beyond their position; they are never reordered.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <tbody key={h}>
                <tr className="hunk">
                  <td colSpan={3}>{hunk.header}</td>
                </tr>
                {hunk.lines.map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: see above
                  <tr key={i} className={line.kind}>
                    <td className="num">{line.oldNumber ?? ""}</td>
                    <td className="num">{line.newNumber ?? ""}</td>
                    <td>
                      {line.kind === "add" ? "+" : line.kind === "del" ? "-" : line.kind === "note" ? "\\ " : " "}
                      {line.text}
                    </td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </section>
  );
}

/** The instance's latest git diff: a file list and the selected file's unified diff. */
export function DiffPanel({ diff }: { diff: string }) {
  const files = useMemo(() => parseGitDiff(diff), [diff]);
  const [selected, setSelected] = useState(0);
  const file = files[selected] ?? files[0];
  const additions = files.reduce((n, f) => n + f.additions, 0);
  const deletions = files.reduce((n, f) => n + f.deletions, 0);
  if (!file) return <p className="empty">This diff has no files.</p>;
  return (
    <div className="diff" data-testid="diff-panel">
      <div>
        <div className="diff-summary">
          <strong>
            {files.length} {files.length === 1 ? "file" : "files"}
          </strong>
          <span className="adds">+{additions}</span>
          <span className="dels">−{deletions}</span>
        </div>
        <ul className="card diff-files" aria-label="Changed files">
          {files.map((f, index) => (
            <li key={`${f.path}-${f.change}`}>
              <button type="button" aria-current={index === selected} onClick={() => setSelected(index)} title={f.path}>
                <span className={`change-badge change-${f.change}`}>{badge[f.change]}</span>
                <span className="path">
                  <bdi>{f.path}</bdi>
                </span>
                <span className="adds">+{f.additions}</span>
                <span className="dels">−{f.deletions}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <FileDiff file={file} />
    </div>
  );
}
