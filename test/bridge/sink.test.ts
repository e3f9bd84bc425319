/**
 * The development sink (bridge/dev/sink.ts) over real sockets: a reply held by `respond`, and a client
 * that resets its connection in the middle of a session (a bridge killed while delivering: the fault
 * suite does exactly this) must not end the sink's process; it keeps taking mail.
 */
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSink } from "../../bridge/dev/sink.js";
import { sendMail } from "../helpers/smtp.js";
import { sinkMessages, tempDir } from "./support.js";

let outbox: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => { outbox = await tempDir("sink"); });
afterEach(() => outbox.cleanup());

describe("dev sink", () => {
  it("survives a client resetting its connection while a reply is held, and keeps accepting", async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => { release = r; });
    let held = 0;
    const sink = await startSink({
      host: "127.0.0.1", port: 0, dir: outbox.dir,
      respond: async ({ stage, rcptTo }) => {
        if (stage === "rcpt" && rcptTo === "held@x.test") { held++; await hold; }
        return undefined;
      },
    });
    try {
      const socket = connect(sink.port, "127.0.0.1");
      socket.on("error", () => undefined);
      let seen = "";
      socket.on("data", (d: Buffer) => { seen += d.toString(); });
      const replies = async (n: number) => {
        while ((seen.match(/^\d{3} /gm)?.length ?? 0) < n) await new Promise((r) => setTimeout(r, 10));
      };
      await replies(1); // greeting
      for (const [i, line] of ["EHLO client.test", "MAIL FROM:<a@x.test>"].entries()) {
        socket.write(`${line}\r\n`);
        await replies(i + 2);
      }
      socket.write("RCPT TO:<held@x.test>\r\n");
      const deadline = Date.now() + 10_000;
      while (held === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(held).toBe(1);
      socket.resetAndDestroy(); // RST, as the kernel sends for a killed process with unread data
      await new Promise((r) => setTimeout(r, 200));
      release();
      const r = await sendMail(sink.port, { from: "a@x.test", to: ["b@x.test"], data: "Subject: after\r\n\r\nstill here\r\n" });
      expect(r.data?.code).toBe(250);
      expect(await sinkMessages(outbox.dir)).toHaveLength(1);
    } finally {
      await sink.close();
    }
  });

  it("answers with what respond returns, also after a held (asynchronous) decision", async () => {
    const sink = await startSink({
      host: "127.0.0.1", port: 0, dir: outbox.dir,
      respond: async ({ stage, message }) => {
        await new Promise((r) => setTimeout(r, 50));
        return stage === "data" && message?.includes("refuse me") ? { code: 550, message: "5.7.1 refused" } : undefined;
      },
    });
    try {
      const refused = await sendMail(sink.port, { from: "a@x.test", to: ["b@x.test"], data: "Subject: x\r\n\r\nrefuse me\r\n" });
      expect(refused.data?.text).toMatch(/^550 5\.7\.1 refused/);
      const ok = await sendMail(sink.port, { from: "a@x.test", to: ["b@x.test"], data: "Subject: y\r\n\r\nfine\r\n" });
      expect(ok.data?.code).toBe(250);
      expect(await sinkMessages(outbox.dir)).toHaveLength(1);
    } finally {
      await sink.close();
    }
  });
});
