/**
 * Receive stage: the MX listener. smtp-server owns the protocol; policy plugs in through its callbacks:
 *
 * - connect: at most `maxConnectionsPerIp` sessions per client address (`421 4.7.0`);
 * - MAIL FROM: syntax (`501 5.1.7`); a new transaction forgets the previous one's recipients;
 * - RCPT TO: syntax (`553 5.1.3`), recipient limit (`452 4.5.3`), then the directory: forward, discard,
 *   reply and bounce are accepted and remembered, reject/defer answer with the Worker's reply, an
 *   unreachable directory gives `451 4.3.0`;
 * - DATA: read to the end, written to the spool as it arrives (only the header section stays in
 *   memory); bare CR/LF `550 5.6.0`, over-size `552 5.3.4`, too many hops `554 5.4.6`; then the
 *   end-of-DATA policy (./data-policy.ts: loops, bounces, who may reply); then the spool commits, and
 *   250 comes only once the entry is on disk (`452 4.3.1` if it cannot be). A refused message leaves
 *   nothing in the spool.
 *
 * No AUTH on the MX port; STARTTLS only with a configured certificate. smtp-server's own enhanced
 * status codes are turned off (`hideENHANCEDSTATUSCODES`): it would put its generic code (e.g. 5.1.1
 * for every 550) in front of ours; our replies carry their RFC 3463 code in the text instead.
 */
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import type { Logger } from "../log.js";
import { MailError, toMailError } from "../mail/errors.js";
import { REPLIES } from "../mail/replies.js";
import type { AliasDirectory, Envelope, RcptTarget, Spool, SpoolState, SpoolWriter } from "../mail/types.js";
import type { DataPolicy } from "./data-policy.js";
import { type BridgeObserver, NO_OBSERVER } from "../ops/observer.js";
import { isValidAddress } from "./address.js";
import { readData } from "./data-reader.js";

export interface ReceiverOptions {
  nodeName: string;
  /** Name in the 220 banner. */
  hostname: string;
  maxMessageBytes: number;
  maxRecipients: number;
  maxClients: number;
  maxConnectionsPerIp: number;
  maxHops: number;
  socketTimeoutMs: number;
  /** PEM key and certificate for STARTTLS; `null`: STARTTLS is not offered. */
  tls: { key: Buffer; cert: Buffer } | null;
  directory: AliasDirectory;
  /** Decides at the end of DATA what the RCPT-time targets become (./data-policy.ts). */
  policy: DataPolicy;
  spool: Spool;
  log: Logger;
  /** Called after each successful put (the queue runner's wake-up). */
  onSpooled?: (state: SpoolState) => void;
  /** Counts sessions, acceptances and refusals by code (metrics); default none. */
  observer?: BridgeObserver;
}

export interface Receiver {
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops accepting connections, answers idle sessions `421`, lets a DATA in progress finish (and be
   * spooled and acknowledged), then resolves.
   */
  close(): Promise<void>;
}

const fail = (reply: (typeof REPLIES)[keyof typeof REPLIES], stage: "receive" | "resolve" = "receive") =>
  new MailError(stage, reply).toSmtpServerError();

/**
 * @example const receiver = createReceiver({ ...limits, directory, spool, log, onSpooled: () => runner.wake() }); await receiver.listen(2525, "127.0.0.1")
 */
export function createReceiver(options: ReceiverOptions): Receiver {
  const { directory, spool, log } = options;
  const observer = options.observer ?? NO_OBSERVER;
  /** Every refusal goes through here, so each one is counted by its code. */
  const refuse = <E extends Error & { responseCode: number }>(err: E): E => {
    observer.refused(err.responseCode);
    return err;
  };
  const targetsOf = new Map<string, RcptTarget[]>();
  const ipOf = new Map<string, string>();
  const perIp = new Map<string, number>();
  const inData = new Set<string>();
  let closing = false;

  const serverOptions: SMTPServerOptions = {
    name: options.hostname,
    size: options.maxMessageBytes,
    authOptional: true,
    disabledCommands: options.tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    hideENHANCEDSTATUSCODES: true,
    lenientAddressParsing: true,
    disableReverseLookup: true,
    maxClients: options.maxClients,
    socketTimeout: options.socketTimeoutMs,
    closeTimeout: 30_000,
    logger: false,

    onConnect(session, callback) {
      const ip = session.remoteAddress;
      const count = (perIp.get(ip) ?? 0) + 1;
      perIp.set(ip, count);
      ipOf.set(session.id, ip);
      observer.session();
      if (closing) return callback(refuse(fail(REPLIES.shuttingDown)));
      if (count > options.maxConnectionsPerIp) {
        log.warn({ session: session.id, clientIp: ip, count }, "receive:too-many-connections");
        return callback(refuse(fail(REPLIES.tooManyConnections)));
      }
      callback();
    },

    onClose(session) {
      const ip = ipOf.get(session.id);
      if (ip !== undefined) {
        const count = (perIp.get(ip) ?? 1) - 1;
        if (count > 0) perIp.set(ip, count);
        else perIp.delete(ip);
        ipOf.delete(session.id);
      }
      targetsOf.delete(session.id);
    },

    onMailFrom(address, session, callback) {
      targetsOf.set(session.id, []);
      if (!isValidAddress(address.address, "sender")) return callback(refuse(fail(REPLIES.badSenderSyntax)));
      callback();
    },

    onRcptTo(address, session, callback) {
      const rcptTo = address.address;
      if (!isValidAddress(rcptTo, "recipient")) return callback(refuse(fail(REPLIES.badRecipientSyntax)));
      const targets = targetsOf.get(session.id) ?? [];
      targetsOf.set(session.id, targets);
      if (targets.some((t) => t.rcptTo.toLowerCase() === rcptTo.toLowerCase())) return callback(); // repeated RCPT
      if (targets.length >= options.maxRecipients) return callback(refuse(fail(REPLIES.tooManyRecipients)));
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
      directory.resolve({ mailFrom, rcptTo, clientIp: session.remoteAddress }).then(
        (answer) => {
          switch (answer.action) {
            case "forward":
              targets.push({ kind: "forward", rcptTo, plan: answer.plan });
              return callback();
            case "discard":
              targets.push({ kind: "discard", rcptTo, aliasId: answer.aliasId, userId: answer.userId, ...(answer.reason ? { reason: answer.reason } : {}) });
              return callback();
            case "reply":
              targets.push({ kind: "reply", rcptTo, plan: answer.plan, mode: "reply", tokens: {} });
              return callback();
            case "bounce":
              targets.push({ kind: "bounce", rcptTo, bounce: answer.bounce, plan: answer.plan });
              return callback();
            default:
              log.info({ session: session.id, action: answer.action, code: answer.reply.code, clientIp: session.remoteAddress }, "receive:rcpt-refused");
              return callback(refuse(new MailError("resolve", answer.reply).toSmtpServerError()));
          }
        },
        (err: unknown) => callback(refuse(toMailError("resolve", err).toSmtpServerError())),
      );
    },

    onData(stream, session, callback) {
      inData.add(session.id);
      const done = (err: Error | null, message?: string) => {
        inData.delete(session.id);
        callback(err, message);
        if (closing) setImmediate(() => hangUp(session.id));
      };
      handleData(stream, session).then((message) => done(null, message), (err: unknown) => done(refuse(toMailError("receive", err).toSmtpServerError())));
    },
  };

  async function handleData(stream: NodeJS.ReadableStream, session: SMTPServerSession): Promise<string> {
    // The message goes to the spool as it arrives (only its header section is kept in memory); every
    // refusal below drops what was written, and only a commit makes it an entry.
    const writer = spool.begin();
    try {
      return await checkAndSpool(writer, stream, session);
    } catch (err) {
      await writer.abort();
      throw err;
    }
  }

  async function checkAndSpool(writer: SpoolWriter, stream: NodeJS.ReadableStream, session: SMTPServerSession): Promise<string> {
    const data = await readData(stream as import("node:stream").Readable, options.maxMessageBytes, (chunk) => writer.write(chunk));
    const clientIp = session.remoteAddress;
    const sessionId = session.id;
    if (data.bareLineEnding) {
      log.warn({ session: sessionId, clientIp, size: data.size }, "receive:bare-line-ending");
      throw new MailError("receive", REPLIES.bareLineEnding);
    }
    if (data.overSize) {
      log.info({ session: sessionId, clientIp, size: data.size }, "receive:too-big");
      throw new MailError("receive", REPLIES.messageTooBig);
    }
    if (data.hops > options.maxHops) {
      log.warn({ session: sessionId, clientIp, hops: data.hops }, "receive:loop");
      throw new MailError("receive", REPLIES.mailLoop);
    }
    const targets = targetsOf.get(session.id) ?? [];
    if (targets.length === 0) throw new MailError("receive", REPLIES.noValidRecipients);
    const envelope: Envelope = {
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
      clientIp,
      heloName: String(session.hostNameAppearsAs || ""),
      receivedAt: new Date().toISOString(),
      receivedBy: options.hostname,
    };
    // End-of-DATA policy (./data-policy.ts): loops, bounces, reply checks, reverse-alias tokens.
    const final = await options.policy(targets, { header: data.header, size: data.size, read: () => writer.read() }, envelope);
    if (final.length === 0) {
      await writer.abort();
      log.info({ session: sessionId, size: data.size, targets: targets.map((t) => t.kind), clientIp }, "receive:accepted-nothing-to-do");
      return `${REPLIES.messageAccepted.enhanced} ${REPLIES.messageAccepted.message}`;
    }
    const state = await writer.commit(envelope, final);
    log.info({ spoolId: state.id, session: sessionId, size: data.size, targets: final.map((t) => t.kind), clientIp }, "receive:accepted");
    observer.accepted(data.size);
    options.onSpooled?.(state);
    const { enhanced, message } = REPLIES.messageAccepted;
    return `${enhanced} ${message} as ${state.id}`;
  }

  const server = new SMTPServer(serverOptions);
  server.on("error", (err) => log.error({ err: err.message }, "receive:server-error"));

  function hangUp(sessionId: string): void {
    for (const conn of server.connections) {
      if (conn.session.id !== sessionId) continue;
      const { code, enhanced, message } = REPLIES.shuttingDown;
      conn.send(code, `${enhanced} ${message}`); // 421 also closes the connection
    }
  }

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.server.once("error", reject);
        server.listen(port, host, () => {
          server.server.off("error", reject);
          const address = server.server.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      });
    },
    close() {
      closing = true;
      return new Promise((resolve) => {
        server.close(() => resolve());
        // Idle sessions go now; a session inside DATA is hung up right after its reply (see onData).
        for (const conn of [...server.connections]) if (!inData.has(conn.session.id)) hangUp(conn.session.id);
      });
    },
  };
}
