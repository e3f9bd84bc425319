/**
 * The deliver stage: the classification table, MX routing and the SMTP transport against a real sink.
 * DNS is a fake: a static zone (bridge/dns/resolver.ts `staticResolver`) whose hosts all live on
 * 127.0.0.0/8, and MX delivery goes to the sink's port instead of 25.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { classify, enhancedCode } from "../../bridge/deliver/classify.js";
import { createTransporterPool } from "../../bridge/deliver/pool.js";
import { domainOf, routesFor } from "../../bridge/deliver/routes.js";
import { createSmtpTransport, type SmtpTransport } from "../../bridge/deliver/smtp-transport.js";
import { staticResolver } from "../../bridge/dns/resolver.js";
import { createLogger } from "../../bridge/log.js";
import { messageParts } from "../../bridge/mail/message-parts.js";
import { sinkAt, sinkMessages, tempDir } from "./support.js";

describe("classify", () => {
  it.each([
    [{ responseCode: 250, command: "DATA" }, "delivered", false],
    [{ responseCode: 451, command: "DATA" }, "temporary", false],
    [{ responseCode: 452, command: "RCPT TO" }, "temporary", false],
    [{ responseCode: 421, command: "MAIL FROM" }, "temporary", true],
    [{ responseCode: 550, command: "RCPT TO" }, "permanent", false],
    [{ responseCode: 554, command: "DATA" }, "permanent", false],
    [{ responseCode: 503, command: "DATA" }, "temporary", false],
    [{ responseCode: 554, command: "CONN" }, "temporary", true], // 5xx greeting: skip this MX
    [{ code: "ECONNECTION", command: "CONN" }, "temporary", true],
    [{ code: "ETIMEDOUT" }, "temporary", true],
    [{ code: "EDNS" }, "temporary", true],
    [{ code: "EMESSAGE", command: "MAIL FROM" }, "permanent", false],
    [{ code: "ESTRANGE" }, "temporary", false],
    [{}, "temporary", false],
  ] as const)("%j → %s (next host: %s)", (result, status, nextHost) => {
    expect(classify(result)).toEqual({ status, nextHost });
  });

  it("reads the enhanced code only when its class agrees with the reply code", () => {
    expect(enhancedCode("550 5.1.1 user unknown")).toBe("5.1.1");
    expect(enhancedCode("451-4.3.0 first\r\n451 4.3.0 last")).toBe("4.3.0");
    expect(enhancedCode("550 4.1.1 confused")).toBeUndefined();
    expect(enhancedCode("250 ok")).toBeUndefined();
  });
});

describe("routes", () => {
  const zone = staticResolver({
    mx: {
      "multi.test": [{ exchange: "b.mx.test", priority: 20 }, { exchange: "a.mx.test", priority: 10 }, { exchange: "c.mx.test", priority: 30 }],
      "nullmx.test": [{ exchange: ".", priority: 0 }],
      "dangling.test": [{ exchange: "gone.mx.test", priority: 10 }],
    },
    a: { "a.mx.test": ["127.0.0.2"], "b.mx.test": ["127.0.0.3", "127.0.0.4"], "c.mx.test": ["127.0.0.5"], "bare.test": ["127.0.0.6"] },
  });

  it("orders MX hosts by preference and expands their addresses", async () => {
    expect(await routesFor("multi.test", zone, 25)).toEqual({
      ok: true,
      routes: [
        { host: "127.0.0.2", port: 25, mx: "a.mx.test" },
        { host: "127.0.0.3", port: 25, mx: "b.mx.test" },
        { host: "127.0.0.4", port: 25, mx: "b.mx.test" },
        { host: "127.0.0.5", port: 25, mx: "c.mx.test" },
      ],
    });
  });

  it("uses the domain itself when it has no MX (implicit MX)", async () => {
    expect(await routesFor("bare.test", zone, 2525)).toEqual({ ok: true, routes: [{ host: "127.0.0.6", port: 2525, mx: "bare.test" }] });
  });

  it("refuses a null MX and a missing domain permanently, an MX without address temporarily", async () => {
    expect(await routesFor("nullmx.test", zone, 25)).toMatchObject({ ok: false, reply: { code: 556, enhanced: "5.1.10" } });
    expect(await routesFor("nowhere.test", zone, 25)).toMatchObject({ ok: false, reply: { code: 550, enhanced: "5.1.2" } });
    expect(await routesFor("dangling.test", zone, 25)).toMatchObject({ ok: false, reply: { code: 451 } });
  });

  it("takes the domain after the last @, lower-cased", () => {
    expect(domainOf('"a@b"@Example.TEST')).toBe("example.test");
  });
});

describe("SMTP transport over MX", () => {
  let outbox: Awaited<ReturnType<typeof tempDir>>;
  let sink: Awaited<ReturnType<typeof sinkAt>>;
  let transport: SmtpTransport;
  const message = Buffer.from("From: a@b.test\r\nTo: c@d.test\r\nSubject: mx\r\n\r\nbody\r\n");

  beforeEach(async () => {
    outbox = await tempDir("deliver-outbox");
    sink = await sinkAt(outbox.dir, ({ stage, rcptTo }) => (stage === "rcpt" && rcptTo?.startsWith("nobody@")
      ? { code: 550, message: "5.1.1 no such user" } : undefined));
    // MX 10 is 127.0.0.2, where nothing listens on the sink's port; MX 20 is the sink on 127.0.0.1.
    const resolver = staticResolver({
      mx: { "real.test": [{ exchange: "down.mx.test", priority: 10 }, { exchange: "up.mx.test", priority: 20 }] },
      a: { "down.mx.test": ["127.0.0.2"], "up.mx.test": ["127.0.0.1"] },
    });
    transport = createSmtpTransport({
      pool: createTransporterPool({ name: "mx1.bridge.test", timeoutMs: 5000, maxConnections: 2 }),
      relayUrl: null, resolver, mxPort: sink.port, log: createLogger("silent", "mx1"),
    });
  });
  afterEach(async () => {
    transport.close();
    await sink.close();
    await outbox.cleanup();
  });

  it("skips an unreachable MX and delivers to the next one", async () => {
    const outcome = await transport.send(messageParts(message), { from: "bounces@example.test", to: "jane@real.test" });
    expect(outcome).toMatchObject({ status: "delivered", remoteMta: "up.mx.test" });
    expect(outcome.reply).toMatch(/^250 /);
    const got = await sinkMessages(outbox.dir);
    expect(got.map((m) => [m.mailFrom, m.rcptTo])).toEqual([["bounces@example.test", ["jane@real.test"]]]);
    expect(got[0]!.eml.equals(message)).toBe(true); // byte for byte: nothing changes the message after signing
  });

  it("reports a recipient refused at RCPT as permanent, with the remote reply", async () => {
    const outcome = await transport.send(messageParts(message), { from: "bounces@example.test", to: "nobody@real.test" });
    expect(outcome).toMatchObject({ status: "permanent", enhanced: "5.1.1", remoteMta: "up.mx.test" });
    expect(outcome.reply).toBe("550 5.1.1 no such user");
  });

  it("reports an unknown domain as permanent without connecting anywhere", async () => {
    const outcome = await transport.send(messageParts(message), { from: "bounces@example.test", to: "x@unknown.test" });
    expect(outcome).toEqual({ status: "permanent", reply: "550 5.1.2 Recipient domain does not exist", enhanced: "5.1.2" });
  });
});
