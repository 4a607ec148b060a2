import { join } from "node:path";

/** What starts the daemon at boot: the same node and script as this run, `omnara daemon run`. */
export interface ServiceSpec {
  node: string;
  script: string;
  home: string;
  /** The PATH the daemon's sessions see (Claude Code and git are found on it). */
  path: string;
}

export const SYSTEMD_UNIT = "omnara-daemon.service";
export const LAUNCHD_LABEL = "com.omnara.daemon";

export const systemdUnitPath = (home: string): string => join(home, ".config", "systemd", "user", SYSTEMD_UNIT);
export const launchdPlistPath = (home: string): string =>
  join(home, "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);

/** systemd's quoting of one word of ExecStart= or Environment=: double quotes, with \ " $ % escaped. */
const systemdWord = (word: string): string =>
  `"${word.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%").replaceAll("$", "$$$$")}"`;

/**
 * A user unit: started at login (at boot too, after `loginctl enable-linger`), restarted when it
 * dies. KillMode=process stops only the daemon: its sessions run on, and the next daemon adopts them.
 */
export function systemdUnit(spec: ServiceSpec): string {
  return `[Unit]
Description=Omnara daemon: start agents on this machine from the Omnara dashboard
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${[spec.node, spec.script, "daemon", "run"].map(systemdWord).join(" ")}
Environment=${systemdWord(`PATH=${spec.path}`)}
Restart=always
RestartSec=5
KillMode=process

[Install]
WantedBy=default.target
`;
}

const xml = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A launchd agent of the user: loaded at login, kept alive, its output in ~/.omnara/logs. */
export function launchdPlist(spec: ServiceSpec): string {
  const args = [spec.node, spec.script, "daemon", "run"].map((arg) => `    <string>${xml(arg)}</string>`).join("\n");
  const log = xml(join(spec.home, ".omnara", "logs", "daemon.log"));
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>PATH</key>
    <string>${xml(spec.path)}</string>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>ProcessType</key>
  <string>Background</string>
  <key>StandardOutPath</key>
  <string>${log}</string>
  <key>StandardErrorPath</key>
  <string>${log}</string>
</dict>
</plist>
`;
}

export interface ServicePlan {
  kind: "systemd" | "launchd" | "none";
  /** Where the file goes (for "none", nothing is written and the systemd unit is printed). */
  path: string | undefined;
  contents: string;
  /** Commands that enable it, run by install (and printed). */
  enable: string[][];
  disable: string[][];
}

export function servicePlan(os: NodeJS.Platform, spec: ServiceSpec, uid: number): ServicePlan {
  if (os === "linux") {
    return {
      kind: "systemd",
      path: systemdUnitPath(spec.home),
      contents: systemdUnit(spec),
      enable: [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", SYSTEMD_UNIT],
      ],
      disable: [
        ["systemctl", "--user", "disable", "--now", SYSTEMD_UNIT],
        ["systemctl", "--user", "daemon-reload"],
      ],
    };
  }
  if (os === "darwin") {
    const path = launchdPlistPath(spec.home);
    return {
      kind: "launchd",
      path,
      contents: launchdPlist(spec),
      enable: [["launchctl", "bootstrap", `gui/${uid}`, path]],
      disable: [["launchctl", "bootout", `gui/${uid}/${LAUNCHD_LABEL}`]],
    };
  }
  return { kind: "none", path: undefined, contents: systemdUnit(spec), enable: [], disable: [] };
}
