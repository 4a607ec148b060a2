import { errorCode, errorMessage, errorStatus } from "../lib/trpc.ts";

/**
 * A refused action, with the server's code beside its message ("409 CONFLICT · a team keeps at
 * least one owner…"), so why it was refused is plain; nothing when there is no error.
 */
export function Refusal({ error }: { error: unknown }) {
  if (!error) return null;
  const code = errorCode(error);
  const status = errorStatus(error);
  return (
    <p className="form-error" role="alert" data-testid="refusal" data-code={code}>
      {code ? <strong className="error-code">{status ? `${status} ${code}` : code}</strong> : null}
      {errorMessage(error)}
    </p>
  );
}
