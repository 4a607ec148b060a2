// npm, unlike pnpm and yarn, ignores `publishConfig.exports`. Inside the monorepo `exports`
// points at src/ (tsx, vitest and tsc read the source, no build needed); the packed package must
// point at dist/. prepack swaps in the publish manifest, postpack puts the source one back.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const manifestPath = join(root, "package.json");
const backupPath = join(root, ".package.source.json");

function apply() {
  if (existsSync(backupPath)) {
    throw new Error(
      `${backupPath} exists: an earlier pack did not finish. Run "node scripts/publish-manifest.mjs restore".`,
    );
  }
  for (const file of ["dist/index.js", "dist/index.d.ts"]) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run "npm run build -w @omnara/sdk" first.`);
  }
  const source = readFileSync(manifestPath, "utf8");
  const { publishConfig = {}, devDependencies: _dev, scripts: _scripts, ...manifest } = JSON.parse(source);
  const { exports, types, ...registryConfig } = publishConfig;
  const published = { ...manifest, exports, types, publishConfig: registryConfig };
  writeFileSync(backupPath, source);
  writeFileSync(manifestPath, `${JSON.stringify(published, null, 2)}\n`);
}

function restore() {
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath);
  rmSync(backupPath, { force: true });
}

const command = process.argv[2];
if (command === "apply") apply();
else if (command === "restore") restore();
else throw new Error("usage: publish-manifest.mjs apply|restore");
