/**
 * What the bridge counts about itself, as one small interface the receiver and the delivery side call
 * (Prometheus metrics implement it; ./metrics.ts), plus the delivery tally the heartbeat reports
 * "since the last beat" without losing counts when a beat fails.
 */
import type { DeliveryOutcome, Transport } from "../mail/types.js";

export interface BridgeObserver {
  /** An inbound SMTP session was opened. */
  session(): void;
  /** A message was spooled and acknowledged with 250; `bytes` as received. */
  accepted(bytes: number): void;
  /** We refused something with this SMTP reply code (at connect, MAIL, RCPT or end of DATA). */
  refused(code: number): void;
  /** One delivery attempt to one recipient ended; `seconds` is its duration. */
  attempt(status: DeliveryOutcome["status"], seconds: number): void;
}

/** An observer that counts nothing (tests, or metrics turned off). */
export const NO_OBSERVER: BridgeObserver = { session() {}, accepted() {}, refused() {}, attempt() {} };

/** Delivered / not-delivered attempts since the last acknowledged heartbeat. */
export interface DeliveryTally {
  record(status: DeliveryOutcome["status"]): void;
  /** The counts so far (to send). */
  peek(): { deliveries: number; failures: number };
  /** Subtracts what a beat reported once the Worker acknowledged it. */
  commit(sent: { deliveries: number; failures: number }): void;
}

export function createDeliveryTally(): DeliveryTally {
  let deliveries = 0;
  let failures = 0;
  return {
    record(status) {
      if (status === "delivered") deliveries++;
      else failures++;
    },
    peek: () => ({ deliveries, failures }),
    commit(sent) {
      deliveries -= sent.deliveries;
      failures -= sent.failures;
    },
  };
}

/**
 * Deliver stage decorator: reports every attempt's outcome and duration. The Transport contract is
 * unchanged (never throws).
 * @example const transport = observeTransport(createSmtpTransport(...), observer)
 */
export function observeTransport(inner: Transport, observer: BridgeObserver): Transport {
  return {
    async send(message, envelope) {
      const started = performance.now();
      const outcome = await inner.send(message, envelope);
      observer.attempt(outcome.status, (performance.now() - started) / 1000);
      return outcome;
    },
  };
}
