/**
 * Small pure parts of the bridge: configuration parsing, envelope address syntax, the DATA reader's
 * line-ending check, the retry schedule and the outcome bookkeeping.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig, parseDuration } from "../../bridge/config.js";
import type { SpoolState } from "../../bridge/mail/types.js";
import { applyOutcome } from "../../bridge/pipeline/apply-outcome.js";
import { initialState } from "../../bridge/pipeline/initial-state.js";
import { isValidAddress } from "../../bridge/receive/address.js";
import { readData } from "../../bridge/receive/data-reader.js";
import { DEFAULT_SCHEDULE, isExpired, nextAttemptAt } from "../../bridge/spool/schedule.js";
import { forwardPlan } from "./support.js";

describe("config", () => {
  it("fills every default and resolves paths", () => {
    const c = loadConfig({ BRIDGE_SECRET: "0123456789abcdef", NODE_NAME: "mx2" });
    expect(c).toMatchObject({
      nodeName: "mx2", nodeRole: "primary", smtpHost: "127.0.0.1", smtpPort: 2525, maxMessageBytes: 25 * 1024 * 1024,
      maxRecipients: 50, retrySchedule: [60_000, 300_000, 900_000, 1_800_000, 3_600_000], maxQueueAgeMs: 5 * 86_400_000,
      resolveTimeoutMs: 5000, relayUrl: null, dnsZoneFile: null, tls: null,
    });
    expect(c.spoolDir).toMatch(/\/\.data\/spool\/mx2$/);
  });

  it("names each bad variable", () => {
    expect(() => loadConfig({ BRIDGE_SECRET: "short", SMTP_PORT: "70000", RELAY_URL: "http://x", NODE_ROLE: "tertiary" }))
      .toThrow(/SMTP_PORT[\s\S]*BRIDGE_SECRET[\s\S]*RELAY_URL|BRIDGE_SECRET[\s\S]*SMTP_PORT/);
    expect(() => loadConfig({})).toThrow(/BRIDGE_SECRET/);
    expect(() => loadConfig({ BRIDGE_SECRET: "0123456789abcdef", TLS_CERT_FILE: "c.pem" })).toThrow(/TLS_CERT_FILE \/ TLS_KEY_FILE/);
    expect(() => loadConfig({ BRIDGE_SECRET: "0123456789abcdef", RETRY_SCHEDULE: "1m,soon" })).toThrow(/RETRY_SCHEDULE: "soon"/);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ BRIDGE_SECRET: "0123456789abcdef", RELAY_URL: "", SMTP_PORT: "" })).toMatchObject({ relayUrl: null, smtpPort: 2525 });
  });

  it("parses durations", () => {
    expect([parseDuration("500ms"), parseDuration("90s"), parseDuration("1.5h"), parseDuration("5d"), parseDuration("250")])
      .toEqual([500, 90_000, 5_400_000, 432_000_000, 250]);
    expect(() => parseDuration("1w")).toThrow();
  });
});

describe("envelope address syntax", () => {
  it.each([
    ["jane@example.com", "recipient", true],
    ["jane.doe+tag@sub.example.com", "recipient", true],
    ["\"jane doe\"@example.com", "sender", true],
    ["jürgen@bücher.de", "recipient", true],
    ["", "sender", true],
    ["", "recipient", false],
    ["postmaster", "recipient", true],
    ["jane@[192.0.2.1]", "sender", true],
    ["jane@[192.0.2.1]", "recipient", false],
    [".jane@example.com", "sender", false],
    ["jane.@example.com", "sender", false],
    ["ja..ne@example.com", "recipient", false],
    ["jane@example", "recipient", false],
    ["jane@-example.com", "recipient", false],
    ["jane@exa_mple.com", "recipient", false],
    ["ja ne@example.com", "recipient", false],
    [`${"a".repeat(64)}@example.com`, "recipient", true],
    [`${"a".repeat(65)}@example.com`, "recipient", false],
    [`${"a".repeat(65)}@example.com`, "sender", true],
  ] as const)("%j as %s → %s", (address, kind, valid) => {
    expect(isValidAddress(address, kind)).toBe(valid);
  });
});

describe("DATA reader", () => {
  async function read(chunks: string[], max = 1000) {
    const stream = new PassThrough();
    const written: Buffer[] = [];
    const result = readData(stream, max, (chunk) => { written.push(chunk); });
    for (const c of chunks) {
      stream.write(Buffer.from(c, "latin1"));
      await new Promise((r) => setImmediate(r)); // one chunk at a time, as a socket delivers them
    }
    stream.end();
    return { ...(await result), written: Buffer.concat(written).toString("latin1") };
  }

  it("accepts CRLF only, also when a CRLF is split across chunks, and passes every byte on", async () => {
    const r = await read(["Subject: a\r", "\n\r\nbody\r", "\n"]);
    expect(r).toMatchObject({ bareLineEnding: false, overSize: false, size: 20 });
    expect(r.written).toBe("Subject: a\r\n\r\nbody\r\n");
    expect(r.header.toString()).toBe("Subject: a\r\n\r\n");
  });

  it.each([["a\nb\r\n"], ["a\rb\r\n"], ["a\r\r\n"], ["a\r\n\n"], ["abc\r"]])("flags %j", async (text) => {
    expect((await read([text])).bareLineEnding).toBe(true);
  });

  it("stops passing bytes on after a bare line ending", async () => {
    const r = await read(["Subject: a\r\n\r\nok\r\n", "bad\nline\r\n", "more\r\n"]);
    expect(r.bareLineEnding).toBe(true);
    expect(r.written).toBe("Subject: a\r\n\r\nok\r\n");
  });

  it("drops the bytes of an oversized message but still counts them", async () => {
    const r = await read(["x".repeat(600), "y".repeat(600)], 1000);
    expect(r).toMatchObject({ overSize: true, size: 1200 });
    expect(r.header.length).toBe(0);
    expect(r.written).toBe("x".repeat(600));
  });

  it("keeps only the header section, wherever the empty line falls between chunks", async () => {
    const text = "From: a@b.test\r\nSubject: x\r\n\r\nbody line\r\n\r\nmore\r\n";
    const headerLength = text.indexOf("\r\n\r\n") + 4;
    for (let cut = 1; cut < text.length; cut++) {
      for (const size of [1, 2, 3, 5]) {
        const chunks = [text.slice(0, cut), ...(text.slice(cut).match(new RegExp(`[\\s\\S]{1,${size}}`, "g")) ?? [])];
        const r = await read(chunks);
        expect(r.header.toString(), `cut ${cut}, size ${size}`).toBe(text.slice(0, headerLength));
        expect(r.written).toBe(text);
      }
    }
    expect((await read(["\r", "\nbody\r\n"])).header.toString()).toBe("\r\n");
    expect((await read(["\r\n\r\nbody\r\n"])).header.toString()).toBe("\r\n");
    expect((await read(["Subject: no body\r\n"])).header.toString()).toBe("Subject: no body\r\n");
  });

  it("counts Received fields of the header only", async () => {
    const r = await read(["Received: a\r\nreceived : b\r\nSubject: x\r\n\r\nReceived: in the body\r\n"]);
    expect(r.hops).toBe(2);
  });
});

describe("retry schedule", () => {
  const now = new Date("2025-01-01T00:00:00Z");
  it("waits 1, 5, 15, 30 minutes, then hourly", () => {
    const delays = [1, 2, 3, 4, 5, 6, 9].map((n) => (nextAttemptAt(DEFAULT_SCHEDULE, n, now).getTime() - now.getTime()) / 60_000);
    expect(delays).toEqual([1, 5, 15, 30, 60, 60, 60]);
  });
  it("expires after five days", () => {
    expect(isExpired(DEFAULT_SCHEDULE, "2024-12-27T00:00:01Z", now)).toBe(false);
    expect(isExpired(DEFAULT_SCHEDULE, "2024-12-27T00:00:00Z", now)).toBe(true);
  });
});

describe("applyOutcome", () => {
  const fresh = (): SpoolState => initialState("m0000000a-0000000001", {
    mailFrom: "alice@sender.test", clientIp: "127.0.0.1", heloName: "c", receivedAt: "2025-01-01T00:00:00.000Z", receivedBy: "mx1",
  }, [{ kind: "forward", rcptTo: "a@alias.test", plan: forwardPlan("a@alias.test", ["j@real.test", "k@real.test"]) }], 1234);
  const at = new Date("2025-01-01T00:00:10Z");

  it("counts the alias once however many recipients get it", () => {
    const s = fresh();
    applyOutcome(s, s.deliveries[0]!, { status: "delivered", reply: "250 ok" }, at, DEFAULT_SCHEDULE);
    applyOutcome(s, s.deliveries[1]!, { status: "delivered", reply: "250 ok" }, at, DEFAULT_SCHEDULE);
    expect(s.unreported.map((e) => [e.kind, e.bytes])).toEqual([["forwarded", 1234]]);
  });

  it("schedules a temporary failure and fails it once the message is too old", () => {
    const s = fresh();
    const d = s.deliveries[0]!;
    expect(applyOutcome(s, d, { status: "temporary", reply: "451 4.3.0 later" }, at, DEFAULT_SCHEDULE)).toBe("pending");
    expect(d.nextAttemptAt).toBe("2025-01-01T00:01:10.000Z");
    const late = new Date("2025-01-06T00:00:00Z");
    expect(applyOutcome(s, d, { status: "temporary", reply: "451 4.3.0 later", enhanced: "4.3.0" }, late, DEFAULT_SCHEDULE)).toBe("failed");
    expect(s.unreported).toMatchObject([{ kind: "failed", bounceType: "soft", status: "4.3.0", recipientId: "rcp-1" }]);
  });
});
