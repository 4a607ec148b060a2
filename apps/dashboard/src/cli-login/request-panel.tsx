import { Check, TerminalSquare, X } from "lucide-react";
import { clockTime, fullDate, timeAgo } from "../lib/format-time.ts";

export interface PendingLogin {
  user_code: string;
  client_name: string;
  kind?: "agent" | "machine";
  created_at: string;
  expires_at: string;
}

/** What is asking, the code to compare with the terminal, and the decision. */
export function RequestPanel({
  login,
  now,
  email,
  busy,
  onDecide,
}: {
  login: PendingLogin;
  now: number;
  email: string | undefined;
  busy: "approve" | "deny" | undefined;
  onDecide: (approve: boolean) => void;
}) {
  return (
    <section className="cli-request" aria-labelledby="cli-request-title">
      <div className="cli-request-head">
        <span className="cli-outcome-icon" aria-hidden="true">
          <TerminalSquare />
        </span>
        <div>
          <h1 id="cli-request-title">Sign in the Omnara CLI?</h1>
          <p className="muted">
            A terminal on <strong data-testid="cli-login-client">{login.client_name}</strong> wants to act as{" "}
            {email ? <strong>{email}</strong> : "you"}.
          </p>
          {login.kind === "machine" ? (
            <p className="muted" data-testid="cli-login-machine">
              This is <code>omnara daemon</code>: approving lets that computer start agents in the projects added on it,
              when you start them from Machines.
            </p>
          ) : null}
        </div>
      </div>
      <div className="cli-code-box">
        <span className="cli-code-label" id="cli-code-label">
          Check that your terminal shows this code
        </span>
        <output className="cli-code" aria-labelledby="cli-code-label" data-testid="cli-login-code">
          {login.user_code}
        </output>
      </div>
      <dl className="cli-facts">
        <div>
          <dt>Device</dt>
          <dd className="truncate">{login.client_name}</dd>
        </div>
        <div>
          <dt>Requested</dt>
          <dd title={fullDate(login.created_at)}>{timeAgo(login.created_at, now)}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd title={fullDate(login.expires_at)} data-testid="cli-login-expires">
            {timeAgo(login.expires_at, now)} · {clockTime(new Date(login.expires_at))}
          </dd>
        </div>
      </dl>
      <p className="subtle">
        Approving gives that terminal its own API key, “CLI on {login.client_name}”. You can revoke it any time under
        API keys. Deny if you did not just run <code>omnara login</code>.
      </p>
      <div className="cli-actions">
        <button type="button" className="btn btn-danger" onClick={() => onDecide(false)} disabled={busy !== undefined}>
          <X aria-hidden="true" />
          {busy === "deny" ? "Denying…" : "Deny"}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => onDecide(true)} disabled={busy !== undefined}>
          <Check aria-hidden="true" />
          {busy === "approve" ? "Approving…" : "Approve"}
        </button>
      </div>
    </section>
  );
}
