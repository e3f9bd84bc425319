/**
 * A minimal line-level SMTP client for measurements: send a command, await the complete reply.
 */
import { connect, type Socket } from "node:net";

export class SmtpLine {
  private buf = "";
  private pending: ((line: string) => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => { this.buf += d; this.drain(); });
  }

  /** Connects and consumes the 220 greeting. */
  static async open(port: number): Promise<SmtpLine> {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => { socket.once("connect", resolve); socket.once("error", reject); });
    const client = new SmtpLine(socket);
    await client.reply();
    return client;
  }

  private drain(): void {
    // A reply is complete at a line "ddd " (not "ddd-").
    const m = /(^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buf);
    if (!m || !this.pending) return;
    const end = m.index + m[0].length;
    const reply = this.buf.slice(0, end);
    this.buf = this.buf.slice(end);
    const done = this.pending;
    this.pending = null;
    done(reply);
  }

  /** The next complete reply. */
  reply(): Promise<string> {
    return new Promise((resolve) => { this.pending = resolve; this.drain(); });
  }

  /** Sends one command line and returns its reply. */
  async command(line: string): Promise<string> {
    const r = this.reply();
    this.socket.write(`${line}\r\n`);
    return r;
  }

  async close(): Promise<void> {
    await this.command("QUIT").catch(() => "");
    this.socket.destroy();
  }
}
