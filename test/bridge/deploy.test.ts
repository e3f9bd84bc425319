/**
 * The deployment files under bridge/deploy/: the env template is a valid bridge configuration whose
 * every variable is documented in bridge/config.ts, and the systemd unit runs the bridge from its env
 * file and passes `systemd-analyze verify` (Debian's systemd, when installed on this machine).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../bridge/config.js";
import { ROOT } from "../../scripts/stack/files.js";

const deploy = (name: string) => readFileSync(path.join(ROOT, "bridge/deploy", name), "utf8");
const envTemplate = () => Object.fromEntries(deploy("bridge.env.example").split("\n")
  .filter((l) => l.trim() && !l.trim().startsWith("#"))
  .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((p) => existsSync(p));

describe("bridge/deploy", () => {
  it("bridge.env.example is a complete, valid mx1 configuration with metrics on a local port", () => {
    const env = envTemplate();
    const documented = readFileSync(path.join(ROOT, "bridge/config.ts"), "utf8");
    for (const key of Object.keys(env)) expect(documented, key).toMatch(new RegExp(`\\| ${key} +\\|`));
    const config = loadConfig(env);
    expect(config).toMatchObject({ nodeName: "mx1", nodeRole: "primary", smtpPort: 25, spoolDir: "/var/lib/veilmail/spool", metrics: { host: "127.0.0.1", port: 9464 } });
    expect(config.resolveStaleMaxMs).toBe(24 * 3_600_000);
    expect(config.heartbeatIntervalMs).toBe(30_000);
  });

  it("the unit starts bridge/main.ts from the env file, stops it with SIGTERM, and keeps the spool in its state directory", () => {
    const unit = deploy("veilmail-bridge.service");
    const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1];
    expect(exec).toBe("/usr/bin/node --import tsx bridge/main.ts");
    expect(existsSync(path.join(ROOT, "bridge/main.ts"))).toBe(true);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/veilmail\/bridge\.env$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toMatch(/^StateDirectory=veilmail$/m);
    expect(envTemplate().SPOOL_DIR?.startsWith("/var/lib/veilmail/")).toBe(true);
  });

  it.runIf(analyze)("the unit passes systemd-analyze verify", async () => {
    const { stderr } = await promisify(execFile)(analyze!, ["verify", "--man=no", path.join(ROOT, "bridge/deploy/veilmail-bridge.service")]);
    expect(stderr.split("\n").filter((l) => /veilmail-bridge\.service:\d+:/.test(l))).toEqual([]);
  });
});
