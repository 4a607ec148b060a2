import type { Page } from "playwright-core";

/** What the page records about its own main thread, from before the app's first script runs. */
export interface RenderLog {
  longTasks: { start: number; duration: number }[];
  /** performance.now() when each watched selector first matched. */
  firstSeen: Record<string, number>;
  supported: boolean;
}

declare global {
  interface Window {
    omnaraRenderLog?: RenderLog;
  }
}

/**
 * Installs a Long Tasks observer (https://w3c.github.io/longtasks/) and a MutationObserver that
 * notes when each selector first appears, in every document the context opens.
 */
export async function recordRendering(page: Page, selectors: Record<string, string>): Promise<void> {
  await page.addInitScript((watched: Record<string, string>) => {
    const log: RenderLog = {
      longTasks: [],
      firstSeen: {},
      supported: PerformanceObserver.supportedEntryTypes.includes("longtask"),
    };
    window.omnaraRenderLog = log;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) log.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: "longtask", buffered: true });
    const check = () => {
      for (const [name, selector] of Object.entries(watched)) {
        if (log.firstSeen[name] === undefined && document.querySelector(selector))
          log.firstSeen[name] = performance.now();
      }
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  }, selectors);
}

export interface RenderFigures {
  longestTaskMs: number;
  totalBlockingTimeMs: number;
  longTasks: number;
}

/** The long tasks since `sinceMs` (page time); blocking time is each task's share past 50 ms. */
export async function longTasksSince(page: Page, sinceMs = 0): Promise<RenderFigures> {
  // Two frames, so a task that ended with the last render has been reported.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const tasks = await page.evaluate(
    (since) => (window.omnaraRenderLog?.longTasks ?? []).filter((task) => task.start >= since),
    sinceMs,
  );
  const durations = tasks.map((task) => task.duration);
  return {
    longestTaskMs: Math.round(Math.max(0, ...durations)),
    totalBlockingTimeMs: Math.round(durations.reduce((sum, d) => sum + Math.max(0, d - 50), 0)),
    longTasks: tasks.length,
  };
}

export const firstSeen = (page: Page, name: string): Promise<number | undefined> =>
  page.evaluate((key) => window.omnaraRenderLog?.firstSeen[key], name);

export const pageNow = (page: Page): Promise<number> => page.evaluate(() => performance.now());
