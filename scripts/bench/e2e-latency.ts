/**
 * End-to-end latency at light load: from the sender's final 250 (after DATA) to the moment the
 * recipient's server (a sink of ours, timing each arrival by a marker in the Subject) has the message.
 */
import { SMTPServer } from "smtp-server";
import { SmtpLine } from "./smtp-client.js";
import { percentiles } from "./tools.js";

/** A sink that records when each marked message arrived (performance.now()). */
export async function startTimingSink(): Promise<{ port: number; arrivals: Map<string, number>; close(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ["AUTH", "STARTTLS"], logger: false, disableReverseLookup: true,
    onData(stream, _session, callback) {
      let head = "";
      stream.on("data", (c: Buffer) => { if (head.length < 65536) head += c.toString("latin1"); });
      stream.on("end", () => {
        const marker = /Subject: (lat-\d+)/.exec(head)?.[1];
        if (marker) arrivals.set(marker, performance.now());
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.server.address() as { port: number }).port;
  return { port, arrivals, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Sends `count` messages one after another (light load) and measures 250 → arrival.
 * @returns percentiles in ms
 */
export async function measureE2eLatency(port: number, arrivals: Map<string, number>, count: number, to: string) {
  const sent = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const marker = `lat-${i}`;
    const smtp = await SmtpLine.open(port);
    await smtp.command("EHLO bench.example");
    await smtp.command("MAIL FROM:<load@sender.example>");
    await smtp.command(`RCPT TO:<${to}>`);
    await smtp.command("DATA");
    const body = `From: Load <load@sender.example>\r\nTo: ${to}\r\nSubject: ${marker}\r\nMessage-ID: <${marker}-${Date.now()}@sender.example>\r\n\r\n${"x".repeat(76)}\r\n`;
    const reply = await smtp.command(`${body}.`);
    sent.set(marker, performance.now());
    if (!reply.startsWith("250")) throw new Error(`DATA refused: ${reply.trim()}`);
    await smtp.close();
    const deadline = Date.now() + 30_000;
    while (!arrivals.has(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 20));
  }
  const times = [...sent].map(([m, t]) => (arrivals.get(m) ?? NaN) - t).filter((x) => !Number.isNaN(x));
  if (times.length < count) throw new Error(`${count - times.length} messages did not arrive`);
  return percentiles(times);
}
