import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Self time by where the code lives: a package of ours, a dependency, node itself, idle. */
  byPlace: { place: string; share: number }[];
  /** The functions with the most self time. */
  top: { name: string; share: number }[];
}

/** Where a frame's code lives, coarsely: the package directory, or node's internals. */
function placeOf(url: string, functionName: string): string {
  if (functionName === "(idle)") return "(idle)";
  if (functionName === "(garbage collector)") return "(gc)";
  if (functionName === "(program)") return "(program)";
  const dependency = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (dependency?.[1]) return dependency[1];
  const ours = url.match(/\/(packages|apps)\/([^/]+)\//);
  if (ours?.[2]) return `@omnara/${ours[2]}`;
  if (url.startsWith("node:") || url === "") return "node internals";
  return url;
}

const shares = (totals: Map<string, number>, all: number, count: number) =>
  [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => ({ name, share: hits / all }));

/**
 * Summarizes the main thread's .cpuprofile in `dir`. node --cpu-prof writes one per thread,
 * `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`; thread 0 is the main one (tsx's loader
 * runs in a worker of its own).
 */
export function summarizeProfile(dir: string): ProfileSummary {
  const newest = readdirSync(dir)
    .filter((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name))
    .sort()
    .at(-1);
  if (!newest) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, newest), "utf8")) as Profile;
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let all = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    all += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const place = placeOf(url, functionName);
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
    const file = url.split("/").slice(-2).join("/");
    const name = `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  }
  return {
    file: newest,
    totalMs: (profile.endTime - profile.startTime) / 1000,
    byPlace: shares(byPlace, all, 12).map(({ name, share }) => ({ place: name, share })),
    top: shares(byFunction, all, 15),
  };
}
