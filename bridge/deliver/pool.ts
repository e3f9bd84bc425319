/**
 * Pooled nodemailer SMTP transports, one per destination (address and port, or the relay URL), so
 * consecutive messages to the same server reuse connections. A pool unused for {@link IDLE_MS} is closed.
 */
import nodemailer from "nodemailer";
import type { Route } from "./routes.js";

/** nodemailer transport with a pool (its type, as createTransport returns it). */
export type PooledTransporter = ReturnType<typeof nodemailer.createTransport<import("nodemailer/lib/smtp-pool").SMTPPoolSentMessageInfo>>;

/** Close a destination's pool after this long without a message. */
export const IDLE_MS = 60_000;

export interface PoolSettings {
  /** Our EHLO name. */
  name: string;
  /** connection, greeting and idle timeout, milliseconds */
  timeoutMs: number;
  /** parallel connections per destination */
  maxConnections: number;
}

export interface TransporterPool {
  /** The transport for an MX route (opportunistic STARTTLS, RFC 7435). */
  forRoute(route: Route): PooledTransporter;
  /** The transport for the relay URL (`smtp://host:port`, `smtps://…`; credentials allowed in the URL). */
  forRelay(url: string): PooledTransporter;
  /** Closes every pool (open connections end). */
  close(): void;
}

/**
 * @example const pool = createTransporterPool({ name: "mx1.example.com", timeoutMs: 120_000, maxConnections: 4 })
 */
export function createTransporterPool(settings: PoolSettings): TransporterPool {
  const pools = new Map<string, { transporter: PooledTransporter; lastUsed: number }>();
  const common = {
    pool: true as const,
    name: settings.name,
    maxConnections: settings.maxConnections,
    maxMessages: 100,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    allowInternalNetworkInterfaces: true,
    logger: false,
  };
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of pools) {
      if (now - entry.lastUsed > IDLE_MS) {
        entry.transporter.close();
        pools.delete(key);
      }
    }
  }, IDLE_MS / 2);
  sweeper.unref();

  const get = (key: string, make: () => PooledTransporter): PooledTransporter => {
    let entry = pools.get(key);
    if (!entry) {
      entry = { transporter: make(), lastUsed: Date.now() };
      pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.transporter;
  };

  return {
    forRoute: (route) => get(`mx:${route.host}:${route.port}:${route.mx}`, () => nodemailer.createTransport({
      ...common,
      host: route.host,
      port: route.port,
      secure: false,
      opportunisticTLS: true,
      // Opportunistic TLS between MTAs does not authenticate the server (RFC 7435); refusing
      // self-signed certificates would only make us fall back to cleartext or fail. MTA-STS/DANE later.
      tls: { servername: route.mx, rejectUnauthorized: false, minVersion: "TLSv1.2" },
    })),
    forRelay: (url) => get(`relay:${url}`, () => nodemailer.createTransport({ ...common, url })),
    close() {
      clearInterval(sweeper);
      for (const entry of pools.values()) entry.transporter.close();
      pools.clear();
    },
  };
}
