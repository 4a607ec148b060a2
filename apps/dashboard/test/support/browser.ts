import { testEnv } from "@omnara/testing";
import { type Browser, chromium } from "playwright-core";

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
