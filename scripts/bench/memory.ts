/**
 * Peak memory of a bridge under large messages: `count` concurrent messages of about `bytes` each
 * (a base64 attachment), sent at once; the bridge's peak resident set (VmHWM, since its start) is read
 * from /proc after all of them reached the sink.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import type { CountingSink } from "./tools.js";

/** A MIME message of about `bytes` octets: a short text part and a base64 attachment. */
export function bigMessage(bytes: number, to: string, n: number): Buffer {
  const raw = randomBytes(Math.floor((bytes - 2048) * 3 / 4));
  const b64 = raw.toString("base64").replace(/.{76}/g, "$&\r\n");
  return Buffer.from([
    "From: Load <load@sender.example>", `To: ${to}`, `Subject: big-${n}`, `Message-ID: <big-${n}-${Date.now()}@sender.example>`,
    "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"', "",
    "--b1", "Content-Type: text/plain; charset=utf-8", "", "A large attachment follows.", "",
    "--b1", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="big.bin"', "", b64, "--b1--", "",
  ].join("\r\n"));
}

/** Peak resident set size of a process, in bytes (Linux VmHWM). */
export function peakRss(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  if (!kb) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(kb) * 1024;
}

/** Sends the messages concurrently, waits for the sink, returns sizes and the bridge's peak RSS. */
export async function measureMemory(opts: { port: number; pid: number; sink: CountingSink; count: number; bytes: number; to: string }) {
  const messages = Array.from({ length: opts.count }, (_, i) => bigMessage(opts.bytes, opts.to, i));
  const inFlight = messages.reduce((a, m) => a + m.length, 0);
  const baseline = opts.sink.count();
  const rssBefore = peakRss(opts.pid);
  await Promise.all(messages.map(async (raw) => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: opts.port, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ envelope: { from: "load@sender.example", to: [opts.to] }, raw });
    } finally {
      transport.close();
    }
  }));
  await opts.sink.waitFor(baseline + opts.count, 300_000);
  const peak = peakRss(opts.pid);
  return { count: opts.count, bytesInFlight: inFlight, rssBeforeBytes: rssBefore, peakRssBytes: peak, targetBytes: 1.5 * inFlight + 150 * 1024 * 1024 };
}
