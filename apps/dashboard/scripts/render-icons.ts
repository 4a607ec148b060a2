// Renders the PWA's PNG icons from public/icon.svg and public/icon-maskable.svg with the same
// Chromium the e2e suite uses: `npx tsx apps/dashboard/scripts/render-icons.ts`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "../test/support/browser.ts";
import { dashboardDir } from "./ensure-built.ts";

const pub = join(dashboardDir, "public");
const icons = [
  { svg: "icon.svg", png: "icon-192.png", size: 192 },
  { svg: "icon.svg", png: "icon-512.png", size: 512 },
  { svg: "icon-maskable.svg", png: "icon-maskable-512.png", size: 512 },
  { svg: "icon-maskable.svg", png: "apple-touch-icon.png", size: 180 },
];

const browser = await launchChromium();
try {
  for (const { svg, png, size } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const markup = readFileSync(join(pub, svg), "utf8").replace("<svg ", `<svg width="${size}" height="${size}" `);
    await page.setContent(`<html><body style="margin:0;background:transparent">${markup}</body></html>`);
    await page.screenshot({ path: join(pub, png), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
