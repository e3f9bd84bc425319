/**
 * Small process helpers for the benchmark: Postfix's load generator (`smtp-source`) and counting sink
 * (`smtp-sink`), and installing Debian packages when missing.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/** True when `cmd` is on the PATH. */
export function has(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs Debian packages (as root, non-interactively) unless every command in `commands` exists.
 * Postfix is preseeded "No configuration" so the package never starts a system MTA on port 25.
 */
export async function ensureDebianPackages(commands: string[], packages: string[]): Promise<void> {
  if (commands.every(has)) return;
  process.stdout.write(`installing Debian packages: ${packages.join(" ")}\n`);
  const script = [
    "echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections",
    "(apt-get update -qq || true)",
    `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${packages.join(" ")}`,
  ].join(" && ");
  await run("sh", ["-c", process.getuid?.() === 0 ? script : `sudo sh -c "${script}"`], { maxBuffer: 16 * 1024 * 1024 });
}

/** A running `smtp-sink` that counts delivered messages. */
export interface CountingSink {
  port: number;
  /** Messages received so far (completed DATA). */
  count(): number;
  /** Resolves with the time (ms, `performance.now()`) the count first reached `n`. */
  waitFor(n: number, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}

/** Starts Postfix's `smtp-sink` on 127.0.0.1:`port` (it accepts everything and counts). */
export async function startSmtpSink(port: number): Promise<CountingSink> {
  const args = ["-c", `127.0.0.1:${port}`, "1024"];
  if (process.getuid?.() === 0) args.unshift("-u", "postfix");
  const child: ChildProcess = spawn("smtp-sink", args, { stdio: ["ignore", "pipe", "pipe"] });
  let count = 0;
  const waiters: { n: number; resolve: (t: number) => void }[] = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    const matches = [...chunk.toString("latin1").matchAll(/mesg=(\d+)/g)];
    const last = matches.at(-1);
    if (!last) return;
    count = Number(last[1]);
    const now = performance.now();
    for (const w of waiters.filter((x) => count >= x.n)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(now); }
  });
  await new Promise((r) => setTimeout(r, 300));
  if (child.exitCode !== null) throw new Error("smtp-sink did not start");
  return {
    port,
    count: () => count,
    waitFor: (n, timeoutMs) => new Promise((resolve, reject) => {
      if (count >= n) { resolve(performance.now()); return; }
      const timer = setTimeout(() => reject(new Error(`sink saw ${count} of ${n} messages within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ n, resolve: (t) => { clearTimeout(timer); resolve(t); } });
    }),
    stop: async () => { child.kill("SIGTERM"); await new Promise((r) => child.once("exit", r)); },
  };
}

/**
 * Runs Postfix's `smtp-source`: `messages` messages of `bytes` octets of body, one message per
 * connection, `sessions` connections in parallel.
 * @returns when it finished (ms, `performance.now()`)
 */
export async function smtpSource(opts: { port: number; sessions: number; messages: number; bytes: number; from: string; to: string }): Promise<number> {
  await run("smtp-source", [
    "-s", String(opts.sessions), "-m", String(opts.messages), "-l", String(opts.bytes),
    "-f", opts.from, "-t", opts.to, "-M", "load.bench.example", `127.0.0.1:${opts.port}`,
  ], { maxBuffer: 16 * 1024 * 1024 });
  return performance.now();
}

/**
 * Latency percentiles of a timed run, in ms, and the samples themselves in the order they were taken
 * (rounded to 0.01 ms; written to results.json so that a tail can be looked at: one burst or spread out).
 */
export interface Percentiles { n: number; p50: number; p99: number; mean: number; samples: number[] }

/** p50/p99/mean of samples (ms), with the samples. */
export function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return {
    n: s.length, p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
    samples: samples.map((x) => Math.round(x * 100) / 100),
  };
}

/**
 * Waits until no spool in `spoolDirs` holds an entry (a state file in `<dir>/state/`, the commit of an
 * entry: bridge/spool/file-spool.ts), then `settleMs` more. An entry leaves the spool only once its
 * deliveries are reported to the Worker, so an empty spool means the previous section's mail is
 * delivered and recorded: a latency section that starts earlier measures its requests alongside the
 * tail of the last burst (thousands of delivery reports, their database writes).
 * @throws when the spools are not empty within `timeoutMs`
 */
export async function waitForEmptySpools(spoolDirs: string[], timeoutMs = 300_000, settleMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const held = () => spoolDirs.reduce((n, dir) => n + (existsSync(`${dir}/state`) ? readdirSync(`${dir}/state`).length : 0), 0);
  for (let n = held(); n > 0; n = held()) {
    if (Date.now() > deadline) throw new Error(`${n} spool entries still held after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, settleMs));
}
