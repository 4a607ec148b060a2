import { useSyncExternalStore } from "react";

/**
 * The session token lives in localStorage so a reload or a second tab stays signed in. It is
 * a bearer token for user calls only; API keys never touch the browser's storage.
 */
const KEY = "omnara.session";
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
    notify();
  },
  clear(): void {
    token = null;
    localStorage.removeItem(KEY);
    notify();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export const useSessionToken = (): string | null => useSyncExternalStore(session.subscribe, session.get);
