import { SearchX, TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { errorMessage } from "../lib/trpc.ts";

export function Loading({ label = "Loading" }: { label?: string }) {
  return (
    <output className="center-screen">
      <div className="spinner" />
      <span className="visually-hidden">{label}</span>
    </output>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="empty" role="alert">
      <TriangleAlert aria-hidden="true" />
      <p>{errorMessage(error)}</p>
      {retry ? (
        <button type="button" className="btn" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function NotFound({ title = "Page not found", children }: { title?: string; children?: ReactNode }) {
  return (
    <div className="empty" data-testid="not-found">
      <SearchX aria-hidden="true" />
      <h1>{title}</h1>
      <p>{children ?? "There is nothing at this address."}</p>
      <Link className="btn" to="/">
        Back to overview
      </Link>
    </div>
  );
}
