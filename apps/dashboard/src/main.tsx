import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { session } from "./lib/session.ts";
import { supabaseClient } from "./lib/supabase.ts";
import { applyTheme, storedTheme } from "./theme.ts";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/controls.css";
import "./styles/layout.css";
import "./styles/pages.css";
import "./styles/chat.css";
import "./styles/diff.css";
import "./styles/control.css";
import "./styles/teams.css";

applyTheme(storedTheme());
// A Supabase session refreshes its access token (our bearer) while the dashboard is open.
if (session.get()) void supabaseClient();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Installable and quick to reopen; only in builds, so dev's hot reload is never cached.
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    void navigator.serviceWorker.register("/sw.js");
  });
}
