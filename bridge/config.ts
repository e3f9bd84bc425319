/**
 * The bridge's configuration: the only module that reads `process.env`. Parsed once at start with zod;
 * every default lives in this file (Postfix's `mail_params.h` discipline).
 *
 * | variable                | default                     | meaning |
 * |-------------------------|-----------------------------|---------|
 * | NODE_NAME               | `mx1`                       | this bridge's name; selects its secret on the Worker, names it in logs |
 * | NODE_ROLE               | `primary`                   | `primary` or `backup` (both validate recipients at RCPT time) |
 * | SMTP_HOST               | `127.0.0.1`                 | address the MX listener binds to |
 * | SMTP_PORT               | `2525`                      | MX listener port (`0`: any free port, for tests) |
 * | HOSTNAME                | `os.hostname()`             | name in the 220 banner and our EHLO when delivering |
 * | WORKER_URL              | `http://127.0.0.1:8787`     | base URL of the Worker's internal API |
 * | BRIDGE_SECRET           | (required, ≥ 16 chars)      | HMAC secret shared with the Worker (`BRIDGE_SECRETS` there) |
 * | SPOOL_DIR               | `.data/spool/<NODE_NAME>`   | durable queue directory (made absolute against the cwd) |
 * | MAX_MESSAGE_BYTES       | `26214400` (25 MiB)         | largest message accepted, announced as EHLO SIZE |
 * | MAX_RECIPIENTS          | `50`                        | accepted RCPTs per transaction; the next gets `452 4.5.3` |
 * | MAX_CLIENTS             | `200`                       | concurrent SMTP connections |
 * | MAX_CONNECTIONS_PER_IP  | `20`                        | concurrent SMTP connections from one client address |
 * | MAX_HOPS                | `30`                        | Received headers allowed before `554 5.4.6` (RFC 5321 §6.3; Postfix's hopcount_limit is 50, we stop loops sooner) |
 * | SMTP_SOCKET_TIMEOUT_MS  | `60000`                     | idle timeout of an inbound session |
 * | TLS_CERT_FILE           | (unset)                     | PEM certificate chain; STARTTLS is offered only when this and TLS_KEY_FILE are set |
 * | TLS_KEY_FILE            | (unset)                     | PEM private key for STARTTLS |
 * | DKIM_SELECTOR           | `veilmail`                  | DKIM `s=` |
 * | DKIM_PRIVATE_KEY_FILE   | (unset)                     | PEM key; unset: an ephemeral key is generated at start (dev only, logged as a warning) |
 * | RELAY_URL               | (unset)                     | e.g. `smtp://127.0.0.1:2600`; when set every message goes there instead of the MX |
 * | MX_PORT                 | `25`                        | port used for MX delivery (dev/tests point it at a local sink) |
 * | RETRY_SCHEDULE          | `1m,5m,15m,30m,1h`          | delays between attempts; the last one repeats (then hourly) |
 * | MAX_QUEUE_AGE           | `5d`                        | a temporary failure older than this becomes a permanent one |
 * | REPORT_RETRY            | `30s`                       | after a failed events report, wait this long before reporting that entry again |
 * | QUEUE_POLL_MS           | `5000`                      | how often the queue runner scans the spool (it also wakes on every put) |
 * | QUEUE_CONCURRENCY       | `64`                        | spool entries delivering at once (entries only waiting for the Worker to acknowledge their events do not count); a delivery mostly waits on the network (Postfix runs up to 100 smtp processes) |
 * | QUEUE_DELIVERING_BYTES  | `268435456` (256 MiB)       | message octets of the entries delivering at once (a larger message still goes, alone): 64 entries of 25 MiB would otherwise all be in memory |
 * | DESTINATION_CONCURRENCY | `20`                        | SMTP connections open at once to one destination (an MX host or the relay), as Postfix's default_destination_concurrency_limit |
 * | SIGN_THREADS            | `1`                         | worker threads that make DKIM signatures; `0` signs in the main thread |
 * | DELIVERY_TIMEOUT_MS     | `120000`                    | connection / greeting / idle timeout of an outbound SMTP session |
 * | RESOLVE_TIMEOUT_MS      | `5000`                      | RCPT-time lookup timeout; past it the sender gets `451 4.3.0` |
 * | REPORT_TIMEOUT_MS       | `10000`                     | timeout of one events request to the Worker |
 * | RESOLVE_CACHE_SIZE      | `10000`                     | positive RCPT answers (forward/discard) kept in memory, least recently used dropped |
 * | RESOLVE_CACHE_TTL       | `60s`                       | a cached answer this young is used without asking the Worker (deactivations arrive within it) |
 * | RESOLVE_STALE_MAX       | `24h`                       | while the Worker or its database is unreachable, cached answers this young are still used |
 * | HEARTBEAT_INTERVAL      | `30s`                       | how often the bridge reports its health to the Worker (and learns maintenance mode) |
 * | METRICS_PORT            | (unset: off)                | Prometheus `GET /metrics` port (`0`: any free port) |
 * | METRICS_HOST            | `127.0.0.1`                 | address the metrics listener binds to (it has no authentication: keep it local) |
 * | LOG_LEVEL               | `info`                      | pino level: fatal, error, warn, info, debug, trace, silent |
 * | DNS_ZONE_FILE           | (unset)                     | JSON static zone (see bridge/dns/resolver.ts) instead of the system resolver; dev/tests |
 * | NOTIFY_FROM             | `no-reply@<HOSTNAME>`       | From of mail the Worker originates (`Name <address>` or an address); DKIM `d=` is its domain |
 * | OUTBOX_POLL_MS          | `5000`                      | how often the bridge claims Worker-originated mail from the outbox |
 * | OUTBOX_BATCH            | `20`                        | messages claimed per request |
 * | OUTBOX_LEASE            | `2m`                        | how long a claim lasts before another bridge may take the message |
 *
 * Durations are a number and a unit: `ms`, `s`, `m`, `h`, `d` (`90s`, `1h`, `5d`).
 */
import os from "node:os";
import path from "node:path";
import { z } from "zod";

/** Parsed configuration; all durations in milliseconds, all paths absolute. */
export interface BridgeConfig {
  nodeName: string;
  nodeRole: "primary" | "backup";
  smtpHost: string;
  smtpPort: number;
  hostname: string;
  workerUrl: string;
  bridgeSecret: string;
  spoolDir: string;
  maxMessageBytes: number;
  maxRecipients: number;
  maxClients: number;
  maxConnectionsPerIp: number;
  maxHops: number;
  smtpSocketTimeoutMs: number;
  tls: { certFile: string; keyFile: string } | null;
  dkimSelector: string;
  dkimPrivateKeyFile: string | null;
  relayUrl: string | null;
  mxPort: number;
  retrySchedule: number[];
  maxQueueAgeMs: number;
  reportRetryMs: number;
  queuePollMs: number;
  queueConcurrency: number;
  /** Message octets of the entries delivering at once (bounds memory; a larger entry goes alone). */
  queueDeliveringBytes: number;
  /** SMTP connections open at once to one destination (MX host or relay). */
  destinationConcurrency: number;
  /** DKIM signing threads; 0 = sign in the main thread. */
  signThreads: number;
  deliveryTimeoutMs: number;
  resolveTimeoutMs: number;
  reportTimeoutMs: number;
  resolveCacheSize: number;
  resolveCacheTtlMs: number;
  resolveStaleMaxMs: number;
  heartbeatIntervalMs: number;
  /** `null`: no metrics listener. */
  metrics: { host: string; port: number } | null;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  dnsZoneFile: string | null;
  /** NOTIFY_FROM as written (a header value) and its bare address. */
  notifyFrom: { header: string; address: string };
  outboxPollMs: number;
  outboxBatch: number;
  /** Seconds. */
  outboxLeaseSeconds: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `500ms`, `90s`, `1m`, `1h`, `5d` (a bare number is milliseconds).
 * @returns milliseconds
 * @throws Error on anything else
 * @example parseDuration("15m") // 900000
 */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration (e.g. 500ms, 30s, 5m, 1h, 5d)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? "ms"]!);
}

const duration = z.string().transform((s, ctx) => {
  try {
    return parseDuration(s);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = int(0, 65535);

const EnvSchema = z.object({
  NODE_NAME: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "lower-case letters, digits and -").default("mx1"),
  NODE_ROLE: z.enum(["primary", "backup"]).default("primary"),
  SMTP_HOST: z.string().min(1).default("127.0.0.1"),
  SMTP_PORT: port.default(2525),
  HOSTNAME: z.string().regex(/^[A-Za-z0-9.-]+$/, "a host name").optional(),
  WORKER_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8787"),
  BRIDGE_SECRET: z.string().min(16, "must be at least 16 characters"),
  SPOOL_DIR: z.string().min(1).optional(),
  MAX_MESSAGE_BYTES: int(1024, 200 * 1024 * 1024).default(25 * 1024 * 1024),
  MAX_RECIPIENTS: int(1, 1000).default(50),
  MAX_CLIENTS: int(1, 100_000).default(200),
  MAX_CONNECTIONS_PER_IP: int(1, 100_000).default(20),
  MAX_HOPS: int(1, 500).default(30),
  SMTP_SOCKET_TIMEOUT_MS: int(1000, 3_600_000).default(60_000),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().regex(/^[A-Za-z0-9._-]+$/, "a DNS label").default("veilmail"),
  DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  RELAY_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MX_PORT: int(1, 65535).default(25),
  RETRY_SCHEDULE: z.string().default("1m,5m,15m,30m,1h").transform((s, ctx) => {
    try {
      const list = s.split(",").map((part) => parseDuration(part));
      if (list.length === 0 || list.some((ms) => ms <= 0)) throw new Error("each delay must be positive");
      return list;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  }),
  MAX_QUEUE_AGE: duration.prefault("5d"),
  REPORT_RETRY: duration.prefault("30s"),
  QUEUE_POLL_MS: int(10, 3_600_000).default(5000),
  QUEUE_CONCURRENCY: int(1, 1000).default(64),
  QUEUE_DELIVERING_BYTES: int(1024 * 1024, 64 * 1024 * 1024 * 1024).default(256 * 1024 * 1024),
  DESTINATION_CONCURRENCY: int(1, 100).default(20),
  SIGN_THREADS: int(0, 64).default(1),
  DELIVERY_TIMEOUT_MS: int(100, 3_600_000).default(120_000),
  RESOLVE_TIMEOUT_MS: int(50, 120_000).default(5000),
  REPORT_TIMEOUT_MS: int(50, 300_000).default(10_000),
  RESOLVE_CACHE_SIZE: int(0, 10_000_000).default(10_000),
  RESOLVE_CACHE_TTL: duration.prefault("60s"),
  RESOLVE_STALE_MAX: duration.prefault("24h"),
  HEARTBEAT_INTERVAL: duration.prefault("30s").refine((ms) => ms >= 100, "at least 100ms"),
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DNS_ZONE_FILE: z.string().min(1).optional(),
  NOTIFY_FROM: z.string().max(200).optional(),
  OUTBOX_POLL_MS: int(10, 3_600_000).default(5000),
  OUTBOX_BATCH: int(1, 100).default(20),
  OUTBOX_LEASE: duration.prefault("2m"),
});

/**
 * Reads and validates the bridge's environment (see the table above). Empty strings count as unset.
 * @param env defaults to `process.env`; tests pass their own object
 * @throws Error naming every offending variable, e.g. `BRIDGE_SECRET: must be at least 16 characters`
 * @example const config = loadConfig({ BRIDGE_SECRET: "0123456789abcdef", SMTP_PORT: "0" })
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): BridgeConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`invalid bridge configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const hostname = e.HOSTNAME ?? os.hostname();
  const notifyFrom = parseNotifyFrom(e.NOTIFY_FROM ?? `no-reply@${hostname}`);
  if (!notifyFrom) throw new Error("invalid bridge configuration:\n  NOTIFY_FROM: expected an address or Name <address>");
  const leaseSeconds = Math.round(e.OUTBOX_LEASE / 1000);
  if (leaseSeconds < 10 || leaseSeconds > 3600) throw new Error("invalid bridge configuration:\n  OUTBOX_LEASE: between 10s and 1h");
  if (!!e.TLS_CERT_FILE !== !!e.TLS_KEY_FILE) {
    throw new Error("invalid bridge configuration:\n  TLS_CERT_FILE / TLS_KEY_FILE: set both or neither");
  }
  return {
    nodeName: e.NODE_NAME,
    nodeRole: e.NODE_ROLE,
    smtpHost: e.SMTP_HOST,
    smtpPort: e.SMTP_PORT,
    hostname,
    workerUrl: e.WORKER_URL,
    bridgeSecret: e.BRIDGE_SECRET,
    spoolDir: path.resolve(e.SPOOL_DIR ?? path.join(".data", "spool", e.NODE_NAME)),
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxRecipients: e.MAX_RECIPIENTS,
    maxClients: e.MAX_CLIENTS,
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    maxHops: e.MAX_HOPS,
    smtpSocketTimeoutMs: e.SMTP_SOCKET_TIMEOUT_MS,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: path.resolve(e.TLS_CERT_FILE), keyFile: path.resolve(e.TLS_KEY_FILE) } : null,
    dkimSelector: e.DKIM_SELECTOR,
    dkimPrivateKeyFile: e.DKIM_PRIVATE_KEY_FILE ? path.resolve(e.DKIM_PRIVATE_KEY_FILE) : null,
    relayUrl: e.RELAY_URL ?? null,
    mxPort: e.MX_PORT,
    retrySchedule: e.RETRY_SCHEDULE,
    maxQueueAgeMs: e.MAX_QUEUE_AGE,
    reportRetryMs: e.REPORT_RETRY,
    queuePollMs: e.QUEUE_POLL_MS,
    queueConcurrency: e.QUEUE_CONCURRENCY,
    queueDeliveringBytes: e.QUEUE_DELIVERING_BYTES,
    destinationConcurrency: e.DESTINATION_CONCURRENCY,
    signThreads: e.SIGN_THREADS,
    deliveryTimeoutMs: e.DELIVERY_TIMEOUT_MS,
    resolveTimeoutMs: e.RESOLVE_TIMEOUT_MS,
    reportTimeoutMs: e.REPORT_TIMEOUT_MS,
    resolveCacheSize: e.RESOLVE_CACHE_SIZE,
    resolveCacheTtlMs: e.RESOLVE_CACHE_TTL,
    resolveStaleMaxMs: e.RESOLVE_STALE_MAX,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL,
    metrics: e.METRICS_PORT === undefined ? null : { host: e.METRICS_HOST, port: e.METRICS_PORT },
    logLevel: e.LOG_LEVEL,
    dnsZoneFile: e.DNS_ZONE_FILE ? path.resolve(e.DNS_ZONE_FILE) : null,
    notifyFrom,
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxBatch: e.OUTBOX_BATCH,
    outboxLeaseSeconds: leaseSeconds,
  };
}

/** `Name <local@domain>` or `local@domain` → the header value and the bare address; null when neither. */
function parseNotifyFrom(value: string): { header: string; address: string } | null {
  const m = /^\s*(?:(.*?)\s*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))\s*$/.exec(value);
  const address = m?.[2] ?? m?.[3];
  if (!address || !/^[^@]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(address)) return null;
  return { header: value.trim(), address: address.toLowerCase() };
}
