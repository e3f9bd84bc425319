/**
 * Prometheus metrics of one bridge (prom-client, a registry of its own so several bridges can live in
 * one process in tests). Served by ./metrics-server.ts on METRICS_HOST:METRICS_PORT.
 *
 * | metric | type | labels |
 * |---|---|---|
 * | veilmail_smtp_sessions_total | counter | |
 * | veilmail_messages_accepted_total | counter | |
 * | veilmail_accepted_bytes_total | counter | |
 * | veilmail_smtp_refused_total | counter | code (e.g. `451`, `550`) |
 * | veilmail_delivery_attempts_total | counter | result (`delivered`, `temporary`, `permanent`) |
 * | veilmail_delivery_latency_seconds | histogram | result |
 * | veilmail_queue_depth | gauge | |
 * | veilmail_queue_oldest_age_seconds | gauge | |
 * | veilmail_maintenance | gauge (0/1) | |
 * plus prom-client's default process metrics, all labelled `node`.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { BridgeObserver, DeliveryTally } from "./observer.js";

export interface BridgeMetrics {
  registry: Registry;
  observer: BridgeObserver;
}

export interface MetricsSources {
  nodeName: string;
  /** Queue depth and the oldest entry's arrival (the spool's stats). */
  queue: () => Promise<{ depth: number; oldestReceivedAt: string | null }>;
  maintenance: () => boolean;
  /** Also fed every delivery attempt (the heartbeat's counts). */
  tally?: DeliveryTally;
}

/**
 * @example const { registry, observer } = createBridgeMetrics({ nodeName: "mx1", queue: () => spool.stats(), maintenance: () => gate.active() })
 */
export function createBridgeMetrics(sources: MetricsSources): BridgeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: sources.nodeName });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const sessions = new Counter({ name: "veilmail_smtp_sessions_total", help: "Inbound SMTP sessions opened", registers });
  const accepted = new Counter({ name: "veilmail_messages_accepted_total", help: "Messages spooled and acknowledged with 250", registers });
  const acceptedBytes = new Counter({ name: "veilmail_accepted_bytes_total", help: "Octets of accepted messages", registers });
  const refused = new Counter({ name: "veilmail_smtp_refused_total", help: "Inbound commands refused, by SMTP reply code", labelNames: ["code"], registers });
  const attempts = new Counter({ name: "veilmail_delivery_attempts_total", help: "Outbound delivery attempts, by result", labelNames: ["result"], registers });
  const latency = new Histogram({
    name: "veilmail_delivery_latency_seconds",
    help: "Duration of one delivery attempt to one recipient (connect to final reply)",
    labelNames: ["result"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  new Gauge({
    name: "veilmail_queue_depth", help: "Entries in the spool", registers,
    async collect() { this.set((await sources.queue()).depth); },
  });
  new Gauge({
    name: "veilmail_queue_oldest_age_seconds", help: "Age of the oldest spool entry (0 when empty)", registers,
    async collect() {
      const { oldestReceivedAt } = await sources.queue();
      this.set(oldestReceivedAt ? Math.max(0, (Date.now() - Date.parse(oldestReceivedAt)) / 1000) : 0);
    },
  });
  new Gauge({
    name: "veilmail_maintenance", help: "1 while this bridge holds mail for maintenance mode", registers,
    collect() { this.set(sources.maintenance() ? 1 : 0); },
  });

  const observer: BridgeObserver = {
    session: () => sessions.inc(),
    accepted(bytes) {
      accepted.inc();
      acceptedBytes.inc(bytes);
    },
    refused: (code) => refused.inc({ code: String(code) }),
    attempt(status, seconds) {
      attempts.inc({ result: status });
      latency.observe({ result: status }, seconds);
      sources.tally?.record(status);
    },
  };
  return { registry, observer };
}
