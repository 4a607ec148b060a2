import { type FormEvent, type ReactNode, useId } from "react";

/**
 * Where the code is typed when the link lost it (copied by hand, or opened on a phone). The
 * server's contract checks the code, so this form only trims it.
 */
export function CodeForm({
  initial,
  error,
  onCode,
}: {
  initial?: string;
  error?: ReactNode;
  onCode: (code: string) => void;
}) {
  const ids = { code: useId(), error: useId() };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "").trim();
    if (code) onCode(code);
  };
  return (
    <form onSubmit={onSubmit}>
      <label className="field" htmlFor={ids.code}>
        <span>Code from your terminal</span>
        <input
          id={ids.code}
          className="input code-input"
          name="code"
          defaultValue={initial}
          placeholder="WDJB-MJHT"
          autoCapitalize="characters"
          autoComplete="off"
          autoCorrect="off"
          spellCheck={false}
          maxLength={20}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
        />
      </label>
      {error ? (
        <p id={ids.error} className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-block">
        Continue
      </button>
    </form>
  );
}
