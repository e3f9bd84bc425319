/**
 * A private Postfix instance for the fault tests, as the sending MTA of the internet: its own config
 * directory, queue and data directories under a temp dir, its own SMTP port on 127.0.0.1, and the two MX
 * bridges as its next hops (`relayhost` = mx1, `smtp_fallback_relay` = mx2: Postfix tries the primary
 * and falls back to the backup when it cannot connect, as a sender does with MX 10 and MX 20). Started
 * with `postfix -c <dir> start`; the machine's own /etc/postfix is never read or touched.
 *
 * Needs the Debian package `postfix` (scripts/install-system-deps.sh) and root (the master process
 * runs as root and its daemons as the `postfix` user).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const POSTFIX = "/usr/sbin/postfix";

export interface PrivatePostfix {
  /** Its SMTP listener on 127.0.0.1. */
  port: number;
  dir: string;
  /** Queue IDs still in its queue (`postqueue -p`), empty when everything left. */
  queued(): Promise<string[]>;
  /** Asks it to retry deferred mail now (`postqueue -f`). */
  flush(): Promise<void>;
  /** Its mail log (maillog_file). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Why a private Postfix cannot run here, or null when it can. */
export function postfixUnavailable(): string | null {
  if (!existsSync(POSTFIX)) return "Postfix is not installed (Debian package postfix; scripts/install-system-deps.sh)";
  if (process.getuid?.() !== 0) return "a private Postfix instance must be started as root";
  return null;
}

const MASTER_CF = (port: number) => `# service type private unpriv chroot wakeup maxproc command
127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
local     unix  - n n -    - local
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
`;

/**
 * Writes the configuration and starts Postfix.
 * @param dir an empty directory of its own (made world-traversable: the daemons run as `postfix`)
 * @param relays the primary and backup MX ports on 127.0.0.1
 * @param retrySeconds scaled-down queue run and backoff times
 */
export async function startPostfix(dir: string, port: number, relays: { primary: number; backup: number }, retrySeconds = 1): Promise<PrivatePostfix> {
  const conf = path.join(dir, "conf");
  const queue = path.join(dir, "queue");
  const data = path.join(dir, "data");
  const maillog = path.join(dir, "maillog");
  for (const d of [dir, conf, queue, data]) await mkdir(d, { recursive: true });
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    if (d === "/tmp" || d === "/") break;
    await chmod(d, 0o755);
  }
  const mainCf = [
    "compatibility_level = 3.6",
    `queue_directory = ${queue}`,
    `data_directory = ${data}`,
    "mail_owner = postfix",
    "setgid_group = postdrop",
    "myhostname = sender-mta.faults.test",
    "mydestination =",
    "local_recipient_maps =",
    "inet_interfaces = 127.0.0.1",
    "inet_protocols = ipv4",
    "mynetworks = 127.0.0.0/8",
    "smtpd_relay_restrictions = permit_mynetworks, reject",
    `relayhost = [127.0.0.1]:${relays.primary}`,
    `smtp_fallback_relay = [127.0.0.1]:${relays.backup}`,
    "smtp_tls_security_level = none",
    "smtp_connect_timeout = 5s",
    `queue_run_delay = ${retrySeconds}s`,
    `minimal_backoff_time = ${retrySeconds}s`,
    `maximal_backoff_time = ${retrySeconds * 2}s`,
    "bounce_queue_lifetime = 0",
    `maillog_file_prefixes = ${dir}`,
    `maillog_file = ${maillog}`,
    "biff = no",
    "",
  ].join("\n");
  await run("chown", ["postfix", data]); // Postfix refuses to start with a data directory it does not own
  await writeFile(path.join(conf, "main.cf"), mainCf);
  await writeFile(path.join(conf, "master.cf"), MASTER_CF(port));
  const postfix = (...args: string[]) => run(POSTFIX, ["-c", conf, ...args]);
  await postfix("start");
  const postqueue = (...args: string[]) => run("/usr/sbin/postqueue", ["-c", conf, ...args]);
  return {
    port,
    dir,
    async queued() {
      const { stdout } = await postqueue("-j");
      return stdout.split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { queue_id: string }).queue_id);
    },
    async flush() { await postqueue("-f"); },
    log: () => readFile(maillog, "utf8").catch(() => ""),
    async stop() { await postfix("stop").catch(() => undefined); },
  };
}
