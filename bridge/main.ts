/**
 * The bridge's composition root: configuration → stages → spool recovery → SMTP listener and queue
 * runner. Stages get their collaborators here and nowhere else; tests replace any of them through
 * {@link BridgeOverrides} (the Worker-facing directory and reporter, DNS, ...).
 *
 * Run: `tsx bridge/main.ts` (`npm run bridge`), configured by the environment (bridge/config.ts).
 * SIGTERM / SIGINT: stop accepting, let a transaction in flight finish, stop the queue runner, exit 0.
 * The spool stays on disk and is recovered at the next start.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type BridgeConfig, loadConfig } from "./config.js";
import { createTransporterPool } from "./deliver/pool.js";
import { createSmtpTransport } from "./deliver/smtp-transport.js";
import { createResolver, type DnsResolver, mailauthResolver } from "./dns/resolver.js";
import { createLogger, type Logger } from "./log.js";
import { createOutboxClient, type OutboxClient } from "./outbox/client.js";
import { createOutboxPoller } from "./outbox/poller.js";
import { createAuthenticator } from "./auth/authenticate.js";
import { createDataPolicy } from "./receive/data-policy.js";
import { createReverseAliasClient, type ReverseAliasClient } from "./resolve/reverse-aliases.js";
import type { AliasDirectory, Reporter, Signer, Transport } from "./mail/types.js";
import { createHeartbeat } from "./ops/heartbeat.js";
import { createMaintenanceGate } from "./ops/maintenance-gate.js";
import { startMetricsServer } from "./ops/metrics-server.js";
import { createBridgeMetrics } from "./ops/metrics.js";
import { createDeliveryTally, observeTransport } from "./ops/observer.js";
import { bridgeVersion } from "./ops/version.js";
import { initialState } from "./pipeline/initial-state.js";
import { processEntry } from "./pipeline/process-entry.js";
import { createQueueRunner } from "./pipeline/queue-runner.js";
import { createReceiver } from "./receive/server.js";
import { createBatchingReporter } from "./report/batching-reporter.js";
import { MAX_EVENTS_PER_REQUEST, createWorkerReporter } from "./report/worker-reporter.js";
import { createCachingDirectory } from "./resolve/caching-directory.js";
import { createMaintenanceDirectory } from "./resolve/maintenance-directory.js";
import { createWorkerDirectory } from "./resolve/worker-directory.js";
import { createDkimSigner } from "./sign/dkim.js";
import { createThreadedSigner } from "./sign/threaded-signer.js";
import { generateDkimKey } from "./sign/keys.js";
import { createFileSpool, type FileSpool } from "./spool/file-spool.js";
import { workerClient } from "./worker-client.js";

/**
 * How long a finished entry's events wait for others to share one report request (milliseconds). A
 * request costs the Worker a transaction of about eight statements whatever its size, so under load
 * larger batches are most of the Worker's share of a forward (with 25 ms, batches stayed small: one
 * request in flight at a time, a few forwards each at 100 msg/s; estimated, not counted);
 * delivery is never waiting on this (the entry has released its delivery slot), only the counters lag
 * by up to this much. A batch of MAX_EVENTS_PER_REQUEST is sent at once.
 */
const REPORT_BATCH_WAIT_MS = 250;

/** Replacements for the stages `startBridge` would build from the configuration. */
export interface BridgeOverrides {
  directory?: AliasDirectory;
  reporter?: Reporter;
  /** The Worker's outbox (claim and ack of Worker-originated mail). */
  outbox?: OutboxClient;
  /** DNS for delivery and for reply authentication (SPF, DKIM, DMARC). */
  resolver?: DnsResolver;
  /** The Worker's reverse-alias tokens (`POST /internal/v1/reverse-aliases`). */
  reverseAliases?: ReverseAliasClient;
  transport?: Transport;
  signer?: Signer;
  log?: Logger;
  /** `false`: accept and spool, but run no queue (tests that stop "before delivery"). Default true. */
  runQueue?: boolean;
}

export interface RunningBridge {
  /** The SMTP port actually bound (useful with SMTP_PORT=0). */
  port: number;
  spool: FileSpool;
  /** The Prometheus listener's port, null when METRICS_PORT is unset. */
  metricsPort: number | null;
  /** Graceful stop; resolves when the listener is closed and the queue runner has stopped. */
  stop(): Promise<void>;
}

/** How long stop() lets deliveries in progress finish before closing their connections. */
const STOP_GRACE_MS = 15_000;

async function buildSigner(config: BridgeConfig, log: Logger): Promise<{ sign: Signer; close(): Promise<void> }> {
  let privateKey: string;
  if (config.dkimPrivateKeyFile) {
    privateKey = await readFile(config.dkimPrivateKeyFile, "utf8");
  } else {
    log.warn({}, "sign:ephemeral-key (DKIM_PRIVATE_KEY_FILE unset: signatures will not verify against DNS)");
    privateKey = generateDkimKey().privateKey;
  }
  const key = { selector: config.dkimSelector, privateKey };
  if (config.signThreads > 0) return createThreadedSigner({ ...key, threads: config.signThreads });
  return { sign: createDkimSigner(key), close: async () => {} };
}

/**
 * Builds every stage, recovers the spool, and starts the SMTP listener and the queue runner.
 * @throws Error when the DKIM key, TLS files or DNS zone cannot be read, or the port cannot be bound
 * @example const bridge = await startBridge(loadConfig({ BRIDGE_SECRET: "…", SMTP_PORT: "0" })); await bridge.stop()
 */
export async function startBridge(config: BridgeConfig, overrides: BridgeOverrides = {}): Promise<RunningBridge> {
  const log = overrides.log ?? createLogger(config.logLevel, config.nodeName);
  const post = workerClient({ workerUrl: config.workerUrl, nodeName: config.nodeName, secret: config.bridgeSecret });
  const startedAt = new Date().toISOString();
  const gate = createMaintenanceGate(log);
  const tally = createDeliveryTally();
  // The Worker's answers go through the serve-stale cache, and maintenance mode sits outermost.
  const directory = overrides.directory ?? createMaintenanceDirectory(createCachingDirectory({
    inner: createWorkerDirectory({ post, timeoutMs: config.resolveTimeoutMs, log }),
    maxEntries: config.resolveCacheSize,
    ttlMs: config.resolveCacheTtlMs,
    staleMs: config.resolveStaleMaxMs,
    bypass: () => gate.active(),
    log,
  }), gate, log);
  const reporter = overrides.reporter
    ?? createBatchingReporter(createWorkerReporter(post, config.reportTimeoutMs), { maxWaitMs: REPORT_BATCH_WAIT_MS, maxEvents: MAX_EVENTS_PER_REQUEST });
  const outbox = overrides.outbox ?? createOutboxClient(post, config.reportTimeoutMs);
  const signing = overrides.signer ? { sign: overrides.signer, close: async () => {} } : await buildSigner(config, log);
  const signer = signing.sign;
  const resolver = overrides.resolver ?? await createResolver(config.dnsZoneFile);
  const pool = createTransporterPool({ name: config.hostname, timeoutMs: config.deliveryTimeoutMs, maxConnections: config.destinationConcurrency });
  const metrics = createBridgeMetrics({ nodeName: config.nodeName, queue: () => spool.stats(), maintenance: () => gate.active(), tally });
  const transport = observeTransport(
    overrides.transport ?? createSmtpTransport({ pool, relayUrl: config.relayUrl, resolver, mxPort: config.mxPort, log }),
    metrics.observer,
  );
  const tls = config.tls
    ? { key: await readFile(config.tls.keyFile), cert: await readFile(config.tls.certFile) }
    : null;

  const spool = createFileSpool({ dir: config.spoolDir, log, initialState });
  await spool.recover();

  const schedule = { delays: config.retrySchedule, maxAgeMs: config.maxQueueAgeMs, reportRetryMs: config.reportRetryMs };
  const runner = createQueueRunner({
    spool,
    process: (state, signal, release) => processEntry(state, { spool, transport, reporter, signer, outbox, schedule, log }, signal, release),
    concurrency: config.queueConcurrency,
    maxDeliveringBytes: config.queueDeliveringBytes,
    pollMs: config.queuePollMs,
    log,
    held: () => gate.active(),
  });

  const policy = createDataPolicy({
    authenticate: createAuthenticator(mailauthResolver(resolver), config.hostname),
    reverseAliases: overrides.reverseAliases ?? createReverseAliasClient(post, config.resolveTimeoutMs),
    notifyAddress: config.notifyFrom.address,
    log,
  });
  const receiver = createReceiver({
    nodeName: config.nodeName,
    hostname: config.hostname,
    maxMessageBytes: config.maxMessageBytes,
    maxRecipients: config.maxRecipients,
    maxClients: config.maxClients,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    maxHops: config.maxHops,
    socketTimeoutMs: config.smtpSocketTimeoutMs,
    tls,
    directory,
    policy,
    spool,
    log,
    onSpooled: () => runner.wake(),
    observer: metrics.observer,
  });
  const poller = createOutboxPoller({
    client: outbox, spool, nodeName: config.nodeName, notifyFrom: config.notifyFrom, pollMs: config.outboxPollMs,
    batch: config.outboxBatch, leaseSeconds: config.outboxLeaseSeconds, log, onSpooled: () => runner.wake(),
  });
  const port = await receiver.listen(config.smtpPort, config.smtpHost);
  if (overrides.runQueue !== false) {
    runner.start();
    poller.start();
  }
  log.info({ host: config.smtpHost, port, role: config.nodeRole, relay: config.relayUrl !== null, spool: config.spoolDir }, "bridge:listening");
  gate.onChange((held) => { if (!held) runner.wake(); });
  const heartbeat = createHeartbeat({
    post, intervalMs: config.heartbeatIntervalMs, timeoutMs: config.reportTimeoutMs, tally, gate, log,
    identity: { role: config.nodeRole, version: bridgeVersion(), hostname: config.hostname, startedAt },
    queue: () => spool.stats(),
  });
  heartbeat.start();
  const metricsServer = config.metrics ? await startMetricsServer(metrics.registry, config.metrics.port, config.metrics.host) : null;
  if (metricsServer) log.info({ host: config.metrics!.host, port: metricsServer.port }, "metrics:listening");

  let stopping: Promise<void> | undefined;
  return {
    port,
    spool,
    metricsPort: metricsServer?.port ?? null,
    stop() {
      stopping ??= (async () => {
        await receiver.close();
        await poller.stop();
        const runnerStopped = runner.stop();
        const graceful = await Promise.race([
          runnerStopped.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref()),
        ]);
        pool.close(); // ends idle connections; after the grace period also the ones still sending
        if (!graceful) await runnerStopped;
        await signing.close();
        heartbeat.stop();
        gate.close();
        await metricsServer?.close();
        log.info({}, "bridge:stopped");
      })();
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  let config: BridgeConfig;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const bridge = await startBridge(config);
  const stop = () => {
    void bridge.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: Error) => {
    process.stderr.write(`bridge failed to start: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
