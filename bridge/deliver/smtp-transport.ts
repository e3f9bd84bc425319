/**
 * Deliver stage: the Transport over SMTP (nodemailer). With a relay URL every message goes there;
 * otherwise the recipient domain's MX hosts are tried in order (./routes.ts) until one gives a final
 * answer. Never throws: every result is a DeliveryOutcome classified by ./classify.ts.
 */
import type { DnsResolver } from "../dns/resolver.js";
import type { Logger } from "../log.js";
import { partsSource } from "../mail/message-parts.js";
import type { DeliveryOutcome, MessageParts, Transport } from "../mail/types.js";
import { type AttemptResult, classify, enhancedCode } from "./classify.js";
import type { PooledTransporter, TransporterPool } from "./pool.js";
import { domainOf, routesFor } from "./routes.js";

export interface SmtpTransportOptions {
  pool: TransporterPool;
  /** `smtp://host:port`: send everything there instead of looking up MX records. */
  relayUrl: string | null;
  resolver: DnsResolver;
  /** Port of MX hosts (25). */
  mxPort: number;
  log: Logger;
}

/** The Transport plus `close()` for shutdown. */
export interface SmtpTransport extends Transport {
  close(): void;
}

async function attempt(
  transporter: PooledTransporter, message: MessageParts, envelope: { from: string; to: string }, remoteMta: string,
): Promise<{ outcome: DeliveryOutcome; nextHost: boolean }> {
  try {
    // A fresh source for each attempt: a large message streamed from its parts, never copied whole.
    const info = await transporter.sendMail({ envelope: { from: envelope.from, to: [envelope.to] }, raw: partsSource(message) });
    const reply = String(info.response ?? "250");
    return { outcome: { status: "delivered", reply, enhanced: enhancedCode(reply), remoteMta }, nextHost: false };
  } catch (err) {
    const e = err as Error & AttemptResult;
    const verdict = classify(e);
    const reply = typeof e.response === "string" && e.response
      ? e.response
      : `${verdict.status === "permanent" ? "550 5.0.0" : "451 4.4.1"} ${e.code ?? "ERROR"} ${e.message}`;
    const outcome: DeliveryOutcome = { status: verdict.status === "delivered" ? "temporary" : verdict.status, reply: reply.slice(0, 1000), remoteMta };
    const enhanced = enhancedCode(reply);
    if (enhanced) outcome.enhanced = enhanced;
    return { outcome, nextHost: verdict.nextHost };
  }
}

/**
 * @example const transport = createSmtpTransport({ pool, relayUrl: null, resolver, mxPort: 25, log })
 */
export function createSmtpTransport(options: SmtpTransportOptions): SmtpTransport {
  const { pool, relayUrl, resolver, mxPort, log } = options;
  return {
    async send(message, envelope) {
      if (relayUrl) {
        const relay = new URL(relayUrl);
        return (await attempt(pool.forRelay(relayUrl), message, envelope, relay.host)).outcome;
      }
      const lookup = await routesFor(domainOf(envelope.to), resolver, mxPort);
      if (!lookup.ok) {
        const { code, enhanced, message: text } = lookup.reply;
        return { status: code >= 500 ? "permanent" : "temporary", reply: `${code} ${enhanced} ${text}`, enhanced };
      }
      let last: DeliveryOutcome | undefined;
      for (const route of lookup.routes) {
        const { outcome, nextHost } = await attempt(pool.forRoute(route), message, envelope, route.mx);
        last = outcome;
        if (!nextHost) return outcome;
        log.debug({ mx: route.mx, host: route.host, reply: outcome.reply }, "deliver:next-host");
      }
      return last!;
    },
    close: () => pool.close(),
  };
}
