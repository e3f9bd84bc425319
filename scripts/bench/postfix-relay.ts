/**
 * A private Postfix instance configured as the comparison relay: it accepts mail for one alias domain,
 * rewrites the alias to the recipient with `virtual_alias_maps`, signs with opendkim (milter) and relays
 * everything to the counting sink. Its own config, queue and data directories; the system's
 * /etc/postfix is never touched.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PostfixRelay {
  port: number;
  stop(): Promise<void>;
}

export interface PostfixRelayOptions {
  dir: string;
  port: number;
  sinkPort: number;
  milterPort: number;
  /** alias → recipient */
  aliases: Record<string, string>;
  dkim: { keyFile: string; selector: string; domain: string };
}

/** Postfix writes its errors only to a terminal or its log; run it under `script` to see them. */
async function postfix(confDir: string, command: string): Promise<void> {
  await run("script", ["-qec", `postfix -c ${confDir} ${command}`, "/dev/null"]);
}

function startOpendkim(opts: PostfixRelayOptions): ChildProcess {
  const conf = `${opts.dir}/opendkim.conf`;
  // Sign every message with d=<domain>, as our bridge does (the From of the load is a foreign domain).
  const key = `${opts.dir}/dkim.pem`;
  copyFileSync(opts.dkim.keyFile, key);
  writeFileSync(`${opts.dir}/key.table`, `bench ${opts.dkim.domain}:${opts.dkim.selector}:${key}\n`);
  writeFileSync(`${opts.dir}/signing.table`, "* bench\n");
  if (process.getuid?.() === 0) execFileSync("chown", ["opendkim:opendkim", key, opts.dir]);
  writeFileSync(conf, [
    `Socket inet:${opts.milterPort}@127.0.0.1`,
    `KeyTable file:${opts.dir}/key.table`,
    `SigningTable refile:${opts.dir}/signing.table`,
    "Mode s",
    "Canonicalization relaxed/relaxed",
    // opendkim refuses (and then tempfails every message) a key below a world-writable directory, which
    // is any checkout under /tmp; the key here is a throwaway copy readable only by opendkim.
    "RequireSafeKeys false",
    "Syslog no",
    "Background no",
    `PidFile ${opts.dir}/opendkim.pid`,
    ...(process.getuid?.() === 0 ? ["UserID opendkim"] : []),
    "",
  ].join("\n"));
  // Its start-up errors go to stderr (with Syslog off nothing else says why it stopped): kept in a file.
  const log = openSync(`${opts.dir}/opendkim.log`, "a");
  return spawn("opendkim", ["-f", "-x", conf], { stdio: ["ignore", log, log] });
}

/**
 * Waits until opendkim accepts connections on its milter port (Postfix would otherwise answer every
 * message `451 4.7.1` under milter_default_action = tempfail).
 * @throws Error with opendkim's own output when it exits first or does not listen within `timeoutMs`
 */
async function waitForMilter(child: ChildProcess, port: number, dir: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const why = () => readFileSync(`${dir}/opendkim.log`, "utf8").trim().slice(-2000) || "(no output)";
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`opendkim exited (${child.exitCode ?? child.signalCode}): ${why()}`);
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    if (listening) return;
    if (Date.now() > deadline) throw new Error(`opendkim is not listening on 127.0.0.1:${port} after ${timeoutMs} ms: ${why()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts opendkim and Postfix; resolves when Postfix listens. */
export async function startPostfixRelay(opts: PostfixRelayOptions): Promise<PostfixRelay> {
  const conf = `${opts.dir}/conf`;
  for (const d of [conf, `${opts.dir}/queue`, `${opts.dir}/data`]) mkdirSync(d, { recursive: true });
  if (process.getuid?.() === 0) chownSync(`${opts.dir}/data`, Number((await run("id", ["-u", "postfix"])).stdout), Number((await run("id", ["-g", "postfix"])).stdout));
  copyFileSync("/etc/postfix/master.cf", `${conf}/master.cf`);
  const master = readFileSync(`${conf}/master.cf`, "utf8")
    .replace(/^smtp\s+inet\s+n\s+-\s+y\s+-\s+-\s+smtpd$/m, `127.0.0.1:${opts.port} inet n - n - - smtpd`);
  writeFileSync(`${conf}/master.cf`, master);
  const inline = Object.entries(opts.aliases).map(([a, r]) => `{${a}=${r}}`).join(", ");
  writeFileSync(`${conf}/main.cf`, [
    "compatibility_level = 3.6",
    `queue_directory = ${opts.dir}/queue`,
    `data_directory = ${opts.dir}/data`,
    "mail_owner = postfix",
    "setgid_group = postdrop",
    "myhostname = postfix.bench.localhost",
    "mydestination =",
    "inet_interfaces = 127.0.0.1",
    "inet_protocols = ipv4",
    `maillog_file_prefixes = ${opts.dir}`,
    `maillog_file = ${opts.dir}/maillog`,
    `relayhost = [127.0.0.1]:${opts.sinkPort}`,
    `virtual_alias_domains = ${[...new Set(Object.keys(opts.aliases).map((a) => a.slice(a.indexOf("@") + 1)))].join(" ")}`,
    `virtual_alias_maps = inline:{ ${inline} }`,
    "mynetworks = 127.0.0.0/8",
    "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination",
    `smtpd_milters = inet:127.0.0.1:${opts.milterPort}`,
    "milter_default_action = tempfail",
    "default_process_limit = 200",
    "smtpd_client_connection_count_limit = 0",
    "smtpd_client_connection_rate_limit = 0",
    "default_destination_concurrency_limit = 100",
    "smtp_destination_concurrency_limit = 100",
    "",
  ].join("\n"));
  const opendkim = startOpendkim(opts);
  await waitForMilter(opendkim, opts.milterPort, opts.dir);
  await postfix(conf, "start");
  return {
    port: opts.port,
    async stop() {
      await postfix(conf, "stop").catch(() => undefined);
      opendkim.kill("SIGTERM");
    },
  };
}
