/**
 * The bridge's client for the Worker's outbox endpoints (`POST /internal/v1/outbox/claim` and `/ack`,
 * signed like every internal call). Answers are checked against the shared contract.
 */
import {
  OutboxAckRequest, OutboxAckResponse, OutboxClaimResponse, type OutboxMessage,
} from "../../common/internal-api.js";
import type { OutboxAcker } from "../mail/types.js";
import type { PostSigned } from "../worker-client.js";

export const CLAIM_PATH = "/internal/v1/outbox/claim";
export const ACK_PATH = "/internal/v1/outbox/ack";

export interface OutboxClient extends OutboxAcker {
  /**
   * Leases up to `limit` messages for `leaseSeconds`; with `verpDomain` each comes with a VERP return path
   * there. @throws Error on network failure, non-2xx or a bad answer
   */
  claim(limit: number, leaseSeconds: number, verpDomain?: string): Promise<OutboxMessage[]>;
}

async function call<T>(post: PostSigned, path: string, payload: unknown, timeoutMs: number, schema: { parse(v: unknown): T }): Promise<T> {
  const res = await post(path, payload, timeoutMs);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${path} answered HTTP ${res.status}${res.status === 401 ? " (check BRIDGE_SECRET / NODE_NAME)" : ""}`);
  }
  return schema.parse(res.body);
}

/**
 * @param timeoutMs per request, milliseconds
 * @example const outbox = createOutboxClient(post, 10_000); const msgs = await outbox.claim(20, 120)
 */
export function createOutboxClient(post: PostSigned, timeoutMs: number): OutboxClient {
  return {
    async claim(limit, leaseSeconds, verpDomain) {
      const body = { limit, leaseSeconds, ...(verpDomain ? { verpDomain } : {}) };
      return (await call(post, CLAIM_PATH, body, timeoutMs, OutboxClaimResponse)).messages;
    },
    async ack(items) {
      return call(post, ACK_PATH, OutboxAckRequest.parse({ items }), timeoutMs, OutboxAckResponse);
    },
  };
}
