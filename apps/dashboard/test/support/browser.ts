import { startTestServer, type TestServer, testEnv } from "@omnara/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { distDir, ensureDashboardBuilt } from "../../scripts/ensure-built.ts";

/** Set by tooling/scripts/test.mjs when Chromium is missing; honoured off CI only. */
export const skipBrowser = process.env.OMNARA_TEST_BROWSER === "skip" && !testEnv.ci;

/** Debian's Chromium, with the flags that work offline in a container. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.OMNARA_CHROMIUM_PATH ?? "/usr/bin/chromium",
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

/** The built dashboard served by a real server, and a desktop-sized light-theme page on it. */
export async function openDashboard(timeoutMs: number): Promise<DashboardSession> {
  ensureDashboardBuilt();
  const server = await startTestServer("pglite", { env: { OMNARA_DASHBOARD_DIR: distDir } });
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
