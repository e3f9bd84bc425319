/**
 * A sending MTA as the fault tests need one: it tries the MX hosts in preference order (mx1, then mx2),
 * moves on after a connection failure, a dropped connection or a 4xx, and retries the whole list until a
 * deadline, exactly as RFC 5321 §4.5.4 asks of a sender. A 5xx is final. The real Postfix scenario uses
 * Postfix itself; this is the lightweight stand-in for the others, over real sockets.
 */
import { RawSmtp } from "../../helpers/smtp.js";

/** One message to send: the marker becomes its Subject (and how the ledger finds it again). */
export interface MtaMessage {
  from: string;
  to: string;
  marker: string;
  /** Extra body octets (a bigger message). */
  padding?: number;
}

export interface MtaResult {
  /** The port that answered 250 at the end of DATA. */
  acceptedBy: number;
  /** Transactions tried, including the successful one. */
  attempts: number;
  /** The temporary replies and errors met on the way (e.g. `451 4.3.0`, `connect ECONNREFUSED`). */
  setbacks: string[];
}

/** RFC 5322 text of `msg`, CRLF line ends, the marker as Subject. */
export function messageText(msg: MtaMessage): string {
  const body = ["Fault-injection message.", ...(msg.padding ? [Buffer.alloc(msg.padding, "x").toString().match(/.{1,76}/g)!.join("\r\n")] : [])];
  return [
    `From: Sender <${msg.from}>`, `To: <${msg.to}>`, `Subject: ${msg.marker}`, `Message-ID: <${msg.marker}@sender.faults.test>`,
    "Date: Mon, 30 Nov 2026 10:00:00 +0000", "MIME-Version: 1.0", "Content-Type: text/plain; charset=us-ascii", "", ...body, "",
  ].join("\r\n");
}

/**
 * One SMTP transaction. Resolves with the final reply code and text; rejects when the connection fails
 * or drops.
 */
export async function transaction(port: number, msg: MtaMessage): Promise<{ code: number; text: string; stage: "mail" | "rcpt" | "data" }> {
  const c = await RawSmtp.connect(port);
  try {
    if (c.greeting.code !== 220) return { code: c.greeting.code, text: c.greeting.text, stage: "mail" };
    await c.command("EHLO sender.faults.test");
    const mail = await c.command(`MAIL FROM:<${msg.from}>`);
    if (mail.code !== 250) return { ...mail, stage: "mail" };
    const rcpt = await c.command(`RCPT TO:<${msg.to}>`);
    if (rcpt.code !== 250) return { ...rcpt, stage: "rcpt" };
    const data = await c.data(messageText(msg));
    return { ...data, stage: "data" };
  } finally {
    await c.quit().catch(() => undefined);
  }
}

/**
 * Delivers `msg` to the first MX that takes it, retrying every `retryMs` until `deadlineMs`.
 * @throws on a 5xx (permanent), or when the deadline passes
 */
export async function mtaSend(ports: number[], msg: MtaMessage, opts: { retryMs?: number; deadlineMs?: number } = {}): Promise<MtaResult> {
  const deadline = Date.now() + (opts.deadlineMs ?? 90_000);
  const setbacks: string[] = [];
  let attempts = 0;
  for (;;) {
    for (const port of ports) {
      attempts++;
      try {
        const r = await transaction(port, msg);
        if (r.code === 250) return { acceptedBy: port, attempts, setbacks };
        if (r.code >= 500) throw Object.assign(new Error(`permanent refusal at ${r.stage}: ${r.text}`), { permanent: true });
        setbacks.push(r.text.split("\r\n").pop()!.slice(0, 60));
      } catch (err) {
        if ((err as { permanent?: boolean }).permanent) throw err;
        setbacks.push(String((err as Error).message).slice(0, 60));
      }
    }
    if (Date.now() > deadline) throw new Error(`${msg.marker} not accepted by any MX before the deadline: ${setbacks.slice(-4).join(" | ")}`);
    await new Promise((r) => setTimeout(r, opts.retryMs ?? 300));
  }
}

/**
 * Sends many messages with at most `parallel` transactions at a time.
 * @param opts.onAccepted called after each acceptance with the number accepted so far
 */
export async function mtaSendAll(
  ports: number[], msgs: MtaMessage[], parallel = 8,
  opts: { retryMs?: number; deadlineMs?: number; onAccepted?: (count: number) => void } = {},
): Promise<MtaResult[]> {
  const results: MtaResult[] = new Array(msgs.length);
  let next = 0;
  let accepted = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, msgs.length) }, async () => {
    while (next < msgs.length) {
      const i = next++;
      results[i] = await mtaSend(ports, msgs[i]!, opts);
      opts.onAccepted?.(++accepted);
    }
  }));
  return results;
}
