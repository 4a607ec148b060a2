import { useSyncExternalStore } from "react";

/**
 * The session token lives in localStorage so a reload or a second tab stays signed in. It is
 * a bearer token for user calls only; API keys never touch the browser's storage.
 */
const KEY = "omnara.session";
/** Set when the server refused the session (expired, signed out elsewhere): sign-in says so. */
const EXPIRED_KEY = "omnara.session-expired";
const listeners = new Set<() => void>();
let token: string | null = localStorage.getItem(KEY);

const notify = () => {
  for (const listener of listeners) listener();
};

window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  token = event.newValue;
  notify();
});

export const session = {
  get: (): string | null => token,
  set(value: string): void {
    token = value;
    localStorage.setItem(KEY, value);
    sessionStorage.removeItem(EXPIRED_KEY);
    notify();
  },
  /** Forgets the token; `expired` when the server refused it rather than the user signing out. */
  clear(reason?: "expired"): void {
    if (reason === "expired" && token) sessionStorage.setItem(EXPIRED_KEY, "1");
    token = null;
    localStorage.removeItem(KEY);
    notify();
  },
  /** Whether the last session ended by the server's refusal, not by signing out here. */
  expired: (): boolean => sessionStorage.getItem(EXPIRED_KEY) === "1",
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export const useSessionToken = (): string | null => useSyncExternalStore(session.subscribe, session.get);
