/**
 * SMTP clients for tests over real sockets on loopback.
 *
 * - {@link RawSmtp}: a line-level client that sends exactly the bytes it is given (needed to send bare
 *   CR / bare LF, malformed addresses, 51 recipients) and returns each reply verbatim.
 * - {@link sendMail}: one whole transaction with the raw client, stopping at the first refusal.
 * - {@link sendWithNodemailer}: the same through nodemailer's SMTP transport, as a real MTA client would.
 */
import { connect, type Socket } from "node:net";
import nodemailer from "nodemailer";

/** One SMTP reply: its code and its full text (all lines, CRLF-joined, codes included). */
export interface SmtpReply {
  code: number;
  text: string;
}

export class RawSmtp {
  private buffer = "";
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(private readonly socket: Socket, public greeting: SmtpReply = { code: 0, text: "" }) {
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => { this.buffer += d; this.notify(); });
    socket.on("close", () => { this.closed = true; this.notify(); });
    socket.on("error", () => { this.closed = true; this.notify(); });
  }

  /** Connects and waits for the 220 greeting. */
  static async connect(port: number, host = "127.0.0.1"): Promise<RawSmtp> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => { socket.once("connect", resolve); socket.once("error", reject); });
    const client = new RawSmtp(socket);
    client.greeting = await client.reply();
    return client;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Reads the next complete reply (multi-line replies end with `NNN `). */
  async reply(timeoutMs = 20_000): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*(\d{3})(?: [^\r\n]*)?\r\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        return { code: Number(m[1]), text: m[0].trimEnd() };
      }
      if (this.closed) throw new Error(`connection closed while waiting for a reply (buffer: ${JSON.stringify(this.buffer)})`);
      if (Date.now() > deadline) throw new Error(`no reply within ${timeoutMs} ms (buffer: ${JSON.stringify(this.buffer)})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Sends one command line (CRLF added) and returns its reply. */
  async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`, "latin1");
    return this.reply();
  }

  /**
   * DATA: expects 354, sends `payload` byte for byte (dot-stuffed after CRLF only, like a strict client),
   * then CRLF (if needed) and the terminator `.\r\n`; returns the final reply.
   */
  async data(payload: Buffer | string): Promise<SmtpReply> {
    const go = await this.command("DATA");
    if (go.code !== 354) return go;
    let text = typeof payload === "string" ? payload : payload.toString("latin1");
    text = text.replace(/(^|\r\n)\./g, "$1..");
    if (!text.endsWith("\r\n")) text += "\r\n";
    this.socket.write(`${text}.\r\n`, "latin1");
    return this.reply();
  }

  /** Writes raw bytes with no framing (e.g. part of a DATA payload before a crash). */
  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Drops the connection at once, without QUIT (a client that goes away, e.g. in the middle of DATA). */
  destroy(): void {
    this.socket.destroy();
  }

  async quit(): Promise<void> {
    if (!this.closed) await this.command("QUIT").catch(() => undefined);
    this.socket.destroy();
  }
}

/** Replies of one transaction. `data` is absent when no recipient was accepted (or MAIL failed). */
export interface TransactionReplies {
  mail: SmtpReply;
  rcpt: SmtpReply[];
  data?: SmtpReply;
}

/**
 * Runs EHLO, MAIL FROM, each RCPT TO, and DATA when at least one recipient was accepted.
 * @example const r = await sendMail(port, { from: "a@x.test", to: ["b@y.test"], data: "Subject: hi\r\n\r\nbody\r\n" })
 */
export async function sendMail(port: number, msg: { from: string; to: string[]; data: Buffer | string }): Promise<TransactionReplies> {
  const c = await RawSmtp.connect(port);
  try {
    await c.command("EHLO client.test");
    const mail = await c.command(`MAIL FROM:<${msg.from}>`);
    const rcpt: SmtpReply[] = [];
    if (mail.code !== 250) return { mail, rcpt };
    for (const to of msg.to) rcpt.push(await c.command(`RCPT TO:<${to}>`));
    if (!rcpt.some((r) => r.code === 250)) return { mail, rcpt };
    return { mail, rcpt, data: await c.data(msg.data) };
  } finally {
    await c.quit();
  }
}

/**
 * Sends a raw message with nodemailer (no TLS, no pooling).
 * @returns nodemailer's info (`response` holds our 250 line)
 * @throws nodemailer's error (with `responseCode`) when the server refuses
 */
export async function sendWithNodemailer(port: number, msg: { from: string; to: string[]; raw: Buffer | string }) {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true, logger: false });
  try {
    return await transport.sendMail({ envelope: { from: msg.from, to: msg.to }, raw: msg.raw });
  } finally {
    transport.close();
  }
}
