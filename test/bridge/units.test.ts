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
    const result = readData(stream, max);
    for (const c of chunks) stream.write(Buffer.from(c, "latin1"));
    stream.end();
    return result;
  }

  it("accepts CRLF only, also when a CRLF is split across chunks", async () => {
    const r = await read(["Subject: a\r", "\n\r\nbody\r", "\n"]);
    expect(r).toMatchObject({ bareLineEnding: false, size: 20 });
    expect(r.raw!.toString()).toBe("Subject: a\r\n\r\nbody\r\n");
  });

  it.each([["a\nb\r\n"], ["a\rb\r\n"], ["a\r\r\n"], ["a\r\n\n"], ["abc\r"]])("flags %j", async (text) => {
    expect((await read([text])).bareLineEnding).toBe(true);
  });

  it("drops the bytes of an oversized message but still counts them", async () => {
    const r = await read(["x".repeat(600), "y".repeat(600)], 1000);
    expect(r).toMatchObject({ raw: null, size: 1200 });
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
