/**
 * The development mail sink: an SMTP server that accepts everything and stores each message as
 * `<dir>/<id>.eml` plus its envelope as `<dir>/<id>.json` (`{"mailFrom": "...", "rcptTo": ["..."]}`).
 * The .eml is written first and the .json renamed into place after it, so a .json file means the
 * message is complete. Ids sort by arrival.
 *
 * Tests can make it answer differently with `respond` (e.g. 451 once, then 250), or hold a reply by
 * returning a promise (a slow remote server, to stop the sending bridge in the middle of a session).
 *
 * Standalone: `tsx bridge/dev/sink.ts [--host 127.0.0.1] [--port 2600] [--dir .data/outbox]`
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { SMTPServer } from "smtp-server";

/** What the sink received in one transaction. */
export interface SinkEnvelope {
  mailFrom: string;
  rcptTo: string[];
}

/** A reply the sink should give instead of accepting: `{ code: 451, message: "4.3.0 try later" }`. */
export interface SinkReply {
  code: number;
  message: string;
}

export interface SinkOptions {
  host: string;
  /** 0 for any free port. */
  port: number;
  dir: string;
  /**
   * Decides the reply at RCPT (`stage: "rcpt"`, `rcptTo` set) and at the end of DATA (`stage: "data"`);
   * return nothing to accept, or a promise to hold the reply. `count` is how many DATA commands the sink
   * has seen so far (1 = first).
   */
  respond?: (ctx: {
    stage: "rcpt" | "data"; envelope: SinkEnvelope; rcptTo?: string; count: number;
    /** At `data`: the message as received. */
    message?: Buffer;
  }) => SinkReply | undefined | Promise<SinkReply | undefined>;
}

export interface Sink {
  port: number;
  close(): Promise<void>;
}

const replyError = (reply: SinkReply) => Object.assign(new Error(reply.message), { responseCode: reply.code });

/**
 * Starts the sink.
 * @example const sink = await startSink({ host: "127.0.0.1", port: 0, dir }); // RELAY_URL=smtp://127.0.0.1:${sink.port}
 */
export async function startSink(options: SinkOptions): Promise<Sink> {
  await mkdir(options.dir, { recursive: true });
  let count = 0;
  const envelopeOf = (session: { envelope: { mailFrom: { address: string } | false; rcptTo: { address: string }[] } }): SinkEnvelope => ({
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
  });

  const server = new SMTPServer({
    name: "sink.localhost",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    disableReverseLookup: true,
    hideENHANCEDSTATUSCODES: true,
    logger: false,
    onRcptTo(address, session, callback) {
      Promise.resolve(options.respond?.({ stage: "rcpt", envelope: envelopeOf(session), rcptTo: address.address, count })).then(
        (reply) => callback(reply ? replyError(reply) : undefined),
        (err: Error) => callback(err),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", (err) => callback(err));
      stream.on("end", () => {
        count += 1;
        const envelope = envelopeOf(session);
        const id = `${Date.now().toString(36).padStart(9, "0")}-${randomBytes(5).toString("hex")}`;
        const base = path.join(options.dir, id);
        (async () => {
          const reply = await options.respond?.({ stage: "data", envelope, count, message: Buffer.concat(chunks) });
          if (reply) throw replyError(reply);
          await writeFile(`${base}.eml`, Buffer.concat(chunks));
          await writeFile(`${base}.json.tmp`, JSON.stringify(envelope));
          await rename(`${base}.json.tmp`, `${base}.json`);
        })().then(() => callback(null, `2.0.0 Ok: stored as ${id}`), (err: Error) => callback(err));
      });
    },
  });

  // smtp-server re-emits every connection error on the server: a client that vanishes mid-session (a
  // bridge killed while delivering) would otherwise be an unhandled 'error' that ends this process.
  server.on("error", () => undefined);

  const port = await new Promise<number>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const address = server.server.address();
      resolve(typeof address === "object" && address ? address.port : options.port);
    });
  });
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const conn of [...server.connections]) conn.close();
    }),
  };
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const host = argValue(args, "--host") ?? "127.0.0.1";
  const port = Number(argValue(args, "--port") ?? 2600);
  const dir = path.resolve(argValue(args, "--dir") ?? ".data/outbox");
  startSink({ host, port, dir }).then((sink) => {
    process.stdout.write(`sink listening on ${host}:${sink.port}, writing ${dir}/<id>.eml\n`);
    const stop = () => void sink.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  }, (err: Error) => {
    process.stderr.write(`sink failed: ${err.message}\n`);
    process.exit(1);
  });
}
