import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect, test } from "vitest";
import { launchdPlist, systemdUnit } from "../src/daemon/service-files.ts";
import { runCli } from "./cli-process.ts";
import { isolatedEnv } from "./test-env.ts";

const hasSystemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;
const spec = {
  node: process.execPath,
  script: "/opt/omnara dir/bin/omnara.js",
  home: "/home/ada",
  path: "/usr/bin:/bin",
};

/** The words of an ExecStart= line as systemd reads them (double-quoted, \\ and \" escaped). */
const execWords = (line: string): string[] =>
  [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? "").replace(/\\(.)/g, "$1"));

test("omnara daemon install writes a systemd --user unit that systemd accepts; uninstall removes it", async () => {
  const { env, home } = isolatedEnv();
  const installed = await runCli(["daemon", "install", "--no-enable", "--json"], env);
  expect(installed.code).toBe(0);
  const unitPath = join(home, ".config", "systemd", "user", "omnara-daemon.service");
  expect(JSON.parse(installed.stdout)).toMatchObject({
    kind: process.platform === "linux" ? "systemd" : "launchd",
    enabled: false,
    commands: ["systemctl --user daemon-reload", "systemctl --user enable --now omnara-daemon.service"],
  });
  const unit = readFileSync(unitPath, "utf8");
  const lines = unit.split("\n");
  const value = (key: string) => lines.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1);
  expect(lines.filter((line) => line.startsWith("[")).map((line) => line.trim())).toEqual([
    "[Unit]",
    "[Service]",
    "[Install]",
  ]);
  expect(execWords(value("ExecStart") ?? "")).toEqual([
    process.execPath,
    expect.stringMatching(/bin\/omnara\.js$/),
    "daemon",
    "run",
  ]);
  expect(value("Restart")).toBe("always");
  expect(value("KillMode")).toBe("process");
  expect(value("WantedBy")).toBe("default.target");
  if (hasSystemdAnalyze) {
    // systemd's own parser: it exits 0 on a bad line too, so anything it says about the file fails the test.
    const verified = spawnSync("systemd-analyze", ["verify", unitPath], { encoding: "utf8" });
    expect({ status: verified.status, said: verified.stderr.trim() }).toEqual({ status: 0, said: "" });
  }

  const removed = await runCli(["daemon", "uninstall", "--json"], env);
  expect(removed.code).toBe(0);
  expect(existsSync(unitPath)).toBe(false);
});

test("the systemd unit quotes paths with spaces, quotes and $ so systemd reads them back unchanged", () => {
  const tricky = { ...spec, script: '/opt/my "omnara" $HOME %h/omnara.js' };
  const line = systemdUnit(tricky)
    .split("\n")
    .find((l) => l.startsWith("ExecStart="));
  expect(line).toContain('"/opt/my \\"omnara\\" $$HOME %%h/omnara.js"');
  if (hasSystemdAnalyze) {
    const dir = execFileSync("mktemp", ["-d"], { encoding: "utf8" }).trim();
    const path = join(dir, "omnara-daemon.service");
    execFileSync("sh", ["-c", 'cat > "$0"', path], { input: systemdUnit(tricky) });
    const verified = spawnSync("systemd-analyze", ["verify", path], { encoding: "utf8" });
    // The script does not exist, which is all systemd may say.
    expect(verified.stderr.replace(/.*is not executable.*|.*No such file.*/g, "").trim()).toBe("");
  }
});

test("the launchd agent is a property list: label, program arguments, run at load, kept alive, logs", () => {
  const plist = launchdPlist({ ...spec, script: "/opt/a&b <c>/omnara.js" });
  expect(XMLValidator.validate(plist)).toBe(true);
  const parsed = new XMLParser({ ignoreAttributes: false, preserveOrder: true }).parse(plist);
  // A plist dict is key/value pairs in order: read it back into an object.
  type Node = Record<string, Node[] | string> & { "#text"?: string };
  const text = (nodes: Node[]): string => String(nodes.find((n) => "#text" in n)?.["#text"] ?? "");
  const readValue = (node: Node): unknown => {
    const [tag] = Object.keys(node).filter((k) => k !== ":@");
    const children = (tag ? node[tag] : []) as Node[];
    if (tag === "string") return text(children);
    if (tag === "true") return true;
    if (tag === "false") return false;
    if (tag === "array") return children.map(readValue);
    if (tag === "dict") return readDict(children);
    return undefined;
  };
  const readDict = (children: Node[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < children.length; i += 2) {
      const key = children[i];
      const next = children[i + 1];
      if (key && next) out[text((key["key"] ?? []) as Node[])] = readValue(next);
    }
    return out;
  };
  const root = (parsed as Node[]).find((n) => "plist" in n);
  const dict = ((root?.["plist"] ?? []) as Node[]).find((n) => "dict" in n);
  const value = dict ? readValue(dict) : undefined;
  expect(value).toEqual({
    Label: "com.omnara.daemon",
    ProgramArguments: [process.execPath, "/opt/a&b <c>/omnara.js", "daemon", "run"],
    EnvironmentVariables: { PATH: "/usr/bin:/bin" },
    RunAtLoad: true,
    KeepAlive: true,
    ProcessType: "Background",
    StandardOutPath: "/home/ada/.omnara/logs/daemon.log",
    StandardErrorPath: "/home/ada/.omnara/logs/daemon.log",
  });
});
