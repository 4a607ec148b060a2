import { type DatabaseKind, startTestServer, type TestServer, testEnv } from "@omnara/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { distDir, ensureDashboardBuilt } from "../../scripts/ensure-built.ts";

/** Set by tooling/scripts/test.mjs when Chromium is missing; honoured off CI only. */
export const skipBrowser = testEnv.browser === "skip" && !testEnv.ci;

/** Debian's Chromium, with the flags that work offline in a container. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: testEnv.chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-quic",
      "--disable-sync",
    ],
  });

export const DESKTOP = { width: 1280, height: 800 } as const;

export interface DashboardSession {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface OpenDashboardOptions {
  /** The server's database (PGlite unless said). */
  kind?: DatabaseKind;
  /** More server variables (e.g. billing's). */
  env?: Record<string, string>;
}

/** The built dashboard served by a real server, and a desktop-sized light-theme page on it. */
export async function openDashboard(timeoutMs: number, options: OpenDashboardOptions = {}): Promise<DashboardSession> {
  ensureDashboardBuilt();
  const server = await startTestServer(options.kind ?? "pglite", {
    env: { OMNARA_DASHBOARD_DIR: distDir, ...options.env },
  });
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  return {
    server,
    browser,
    context,
    page,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * One dashboard for a describe block's tests: opened before them, closed after. The returned
 * function gives the session inside a test.
 */
export function dashboardPerSuite(timeoutMs: number, options: OpenDashboardOptions = {}): () => DashboardSession {
  let session: DashboardSession | undefined;
  beforeAll(async () => {
    session = await openDashboard(timeoutMs, options);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  });
  return () => {
    if (!session) throw new Error("the dashboard is not open (its beforeAll failed)");
    return session;
  };
}
