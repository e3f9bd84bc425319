/**
 * The outbox poller: every `pollMs` it claims a batch of Worker-originated messages (bridge/outbox/
 * client.ts), composes each (./compose.ts) and spools it durably as a `notify` target; the queue runner
 * then confirms the claim with the Worker (bridge/pipeline/claim.ts), signs it for the no-reply domain
 * and delivers it like any other mail. Both bridges poll; the claim tokens make sure only one of them
 * delivers each message (worker/mail/outbox-lease.ts).
 *
 * A full batch is followed at once by another claim; errors are logged and the next poll tries again
 * (unspooled claims return to the queue when their lease ends).
 */
import type { OutboxMessage } from "../../common/internal-api.js";
import type { Logger } from "../log.js";
import type { Envelope, NotifyTarget, Spool } from "../mail/types.js";
import type { OutboxClient } from "./client.js";
import { composeNotification } from "./compose.js";

export interface OutboxPollerOptions {
  client: OutboxClient;
  spool: Spool;
  nodeName: string;
  /** The no-reply address as configured (`Name <address>` or a bare address) and its bare address. */
  notifyFrom: { header: string; address: string };
  pollMs: number;
  batch: number;
  leaseSeconds: number;
  log: Logger;
  /** Called after each put (the queue runner's wake-up). */
  onSpooled?: () => void;
}

export interface OutboxPoller {
  start(): void;
  /** Claims now; resolves when this round (and any full batches after it) is done. */
  poll(): Promise<void>;
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>;
}

/**
 * @example const poller = createOutboxPoller({ client, spool, nodeName: "mx1", notifyFrom, pollMs: 5000, batch: 20, leaseSeconds: 120, log }); poller.start()
 */
export function createOutboxPoller(options: OutboxPollerOptions): OutboxPoller {
  const { client, spool, log } = options;
  const domain = options.notifyFrom.address.slice(options.notifyFrom.address.lastIndexOf("@") + 1).toLowerCase();
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  let stopped = false;

  async function spoolOne(msg: OutboxMessage): Promise<void> {
    const raw = await composeNotification(msg, { from: options.notifyFrom.header, domain });
    const returnPath = msg.returnPath ?? options.notifyFrom.address;
    const envelope: Envelope = {
      mailFrom: returnPath, clientIp: "", heloName: "outbox", receivedAt: new Date().toISOString(), receivedBy: options.nodeName,
    };
    const target: NotifyTarget = {
      kind: "notify", rcptTo: msg.to, outboxId: msg.id, claimToken: msg.claimToken, acked: false,
      category: msg.category, userId: msg.userId, aliasId: msg.aliasId, signingDomain: domain, returnPath,
    };
    const state = await spool.put(envelope, [target], raw);
    log.info({ spoolId: state.id, outboxId: msg.id, category: msg.category }, "outbox:spooled");
  }

  async function runRound(): Promise<void> {
    for (;;) {
      let claimed: OutboxMessage[];
      try {
        claimed = await client.claim(options.batch, options.leaseSeconds, domain);
      } catch (err) {
        log.warn({ err: (err as Error).message }, "outbox:claim-failed");
        return;
      }
      for (const msg of claimed) {
        try {
          await spoolOne(msg);
        } catch (err) {
          // Left claimed: it returns to the queue when the lease ends.
          log.error({ outboxId: msg.id, err: (err as Error).message }, "outbox:spool-failed");
        }
      }
      if (claimed.length > 0) options.onSpooled?.();
      if (claimed.length < options.batch || stopped) return;
    }
  }

  function poll(): Promise<void> {
    round ??= runRound().finally(() => { round = undefined; });
    return round;
  }

  return {
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => void poll(), options.pollMs);
      void poll();
    },
    poll,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await round;
    },
  };
}
