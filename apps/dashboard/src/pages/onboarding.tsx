import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router";
import { NewKeyNotice } from "../components/new-key-notice.tsx";
import { SetupGuide } from "../components/setup-guide.tsx";
import { errorMessage, useTRPC } from "../lib/trpc.ts";

export default function Onboarding() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ key: string; name: string }>();
  const createKey = useMutation(
    trpc.createApiKey.mutationOptions({
      onSuccess: (key) => {
        setCreated({ key: key.api_key, name: key.name });
        void queryClient.invalidateQueries(trpc.listApiKeys.pathFilter());
      },
    }),
  );

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Connect your first agent</h1>
          <p className="muted">
            Two steps: an API key, then one line in your agent’s setup. It shows up here the moment it starts.
          </p>
        </div>
      </div>
      <ol className="steps" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        <li className="card step">
          <h2 className="step-title">Create an API key</h2>
          {created ? (
            <NewKeyNotice apiKey={created.key} name={created.name} />
          ) : (
            <div className="row" style={{ flexWrap: "wrap" }}>
              <p className="muted" style={{ flex: "1 1 240px" }}>
                Your agents sign their messages with it. You can revoke it any time under API keys.
              </p>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => createKey.mutate({ name: "First agent" })}
                disabled={createKey.isPending}
              >
                <KeyRound aria-hidden="true" />
                Create my API key
              </button>
            </div>
          )}
          {createKey.error ? <p className="form-error">{errorMessage(createKey.error)}</p> : null}
        </li>
        <li className="card step">
          <h2 className="step-title">Add Omnara to your agent</h2>
          <SetupGuide apiKey={created?.key ?? "<your-api-key>"} />
        </li>
        <li className="card step">
          <h2 className="step-title">Start your agent</h2>
          <p className="muted">
            Its steps and questions appear on the <Link to="/">overview</Link>. Install this page as an app to answer
            from your phone.
          </p>
        </li>
      </ol>
    </>
  );
}
