/**
 * Unit tests for the transform stage's pieces: header parsing, the display-name formats, the Received
 * field, header encoding limits, and forward edge cases the golden files do not cover.
 */
import PostalMime, { decodeWords } from "postal-mime";
import { describe, expect, it } from "vitest";
import { decodeReverseAlias } from "../../common/reverse-alias.js";
import { displayFrom } from "../../bridge/transform/display.js";
import { forwardMessage } from "../../bridge/transform/forward.js";
import { passField } from "../../bridge/transform/header-format.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import { addressLiteral, receivedField } from "../../bridge/transform/trace.js";
import { FIXTURE_ALIAS, fixtureContext, fixturePlan, readIncoming } from "../helpers/golden.js";

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join("\r\n"), "utf8");
const header = (out: Buffer, name: string): string[] => {
  const text = out.toString("utf8");
  const head = text.slice(0, text.search(/\r?\n\r?\n/));
  return head.split(/\r?\n(?![ \t])/).filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
};
async function forward(raw: Buffer, display = {}, envelope = {}): Promise<Buffer> {
  return forwardMessage(raw, await parseHeaderFields(raw), fixturePlan(display), fixtureContext(envelope));
}

describe("parseHeaderFields", () => {
  it("splits header fields (raw bytes kept) from the body at the first empty line", async () => {
    const raw = crlf(["From: A <a@example.org>", "Subject: one", "\ttwo", "X-Empty:", "", "body", "", "Not: a header"]);
    const p = await parseHeaderFields(raw);
    expect(p.fields.map((f) => f.name)).toEqual(["From", "Subject", "X-Empty"]);
    expect(Buffer.concat(p.fields.map((f) => f.raw)).toString()).toBe("From: A <a@example.org>\r\nSubject: one\r\n\ttwo\r\nX-Empty:\r\n");
    expect(p.fields[1]!.value).toBe("one\ttwo");
    expect(raw.subarray(p.bodyOffset).toString()).toBe("body\r\n\r\nNot: a header");
    expect(p.eol).toBe("\r\n");
    expect(p.subject).toBe("one\ttwo");
  });

  it("handles bare-LF messages and messages without a body", async () => {
    const lf = await parseHeaderFields(Buffer.from("Subject: x\nTo: b@example.org\n\nbody\n"));
    expect(lf.eol).toBe("\n");
    expect(lf.fields).toHaveLength(2);
    expect(lf.bodyOffset).toBe("Subject: x\nTo: b@example.org\n\n".length);
    const headOnly = Buffer.from("Subject: x\r\nTo: b@example.org");
    const p = await parseHeaderFields(headOnly);
    expect(p.bodyOffset).toBe(headOnly.length);
    expect(p.fields.map((f) => f.value)).toEqual(["x", "b@example.org"]);
  });

  it("decodes addresses: quoted local parts kept, names RFC 2047-decoded, groups flattened, junk dropped", async () => {
    const p = await parseHeaderFields(crlf([
      'To: "john doe"@example.com, =?utf-8?q?J=C3=BCrgen?= <j+x=y@b.example>, undisclosed-recipients:;',
      "Cc: Team: a@example.org, b@example.org;, Nobody",
      "Reply-To: <r@example.org>",
      "Sender: S <s@example.org>",
      "Message-ID: <id@example.org>",
      "", "",
    ]));
    expect(p.to).toEqual([{ address: '"john doe"@example.com', name: "" }, { address: "j+x=y@b.example", name: "Jürgen" }]);
    expect(p.cc.map((m) => m.address)).toEqual(["a@example.org", "b@example.org"]);
    expect(p.replyTo).toEqual([{ address: "r@example.org", name: "" }]);
    expect(p.sender).toEqual({ address: "s@example.org", name: "S" });
    expect(p.from).toEqual([]);
    expect(p.messageId).toBe("<id@example.org>");
    expect(p.subject).toBeNull();
  });

  it("reads 8-bit header bytes as UTF-8, or Latin-1 when they are not UTF-8", async () => {
    const latin1 = Buffer.concat([Buffer.from("From: J"), Buffer.from([0xfc]), Buffer.from("rgen <j@example.de>\r\n\r\n")]);
    expect((await parseHeaderFields(latin1)).from[0]!.name).toBe("Jürgen");
    expect((await parseHeaderFields(Buffer.from("From: Jürgen <j@example.de>\r\n\r\n"))).from[0]!.name).toBe("Jürgen");
  });
});

describe("displayFrom (addy.io display_from_format)", () => {
  const named: Array<[number, string | null]> = [
    [0, "Jane Doe 'jane.doe at example.org'"],
    [1, "Jane Doe - jane.doe(a)example.org"],
    [2, "Jane Doe - example.org"],
    [3, "Jane Doe"],
    [4, "jane.doe at example.org"],
    [5, null],
    [6, "example.org"],
    [7, "Jane Doe 'jane.doe@example.org'"],
  ];
  const unnamed: Array<[number, string | null]> = [
    [0, "jane.doe at example.org"], [1, "jane.doe(a)example.org"], [2, "jane.doe at example.org"],
    [3, "jane.doe at example.org"], [4, "jane.doe at example.org"], [5, null], [6, "example.org"],
    [7, "jane.doe at example.org"],
  ];
  it.each(named)("format %i with a display name", (format, expected) => {
    expect(displayFrom(format, "Jane Doe", "jane.doe@example.org")).toBe(expected);
  });
  it.each(unnamed)("format %i without a display name", (format, expected) => {
    expect(displayFrom(format, "", "jane.doe@example.org")).toBe(expected);
    expect(displayFrom(format, "jane.doe@example.org", "jane.doe@example.org")).toBe(expected);
  });
  it("replaces an @ inside the name too, so a name cannot pose as an address (not in legacy)", () => {
    expect(displayFrom(3, "ceo@bank.example", "x@phish.example")).toBe("ceo at bank.example");
    expect(displayFrom(7, "ceo@bank.example", "x@phish.example")).toBe("ceo@bank.example 'x@phish.example'");
  });

  it.each(named)("format %i ends up in the forward's From header", async (format, expected) => {
    const out = await forward(readIncoming("plain-text"), { fromFormat: format });
    const parsed = await parseHeaderFields(out);
    expect(parsed.from).toEqual([{ address: "shopping+jane.doe=example.org@johndoe.veil.example", name: expected ?? "" }]);
    if (expected === null) expect(header(out, "From")).toEqual(["From: shopping+jane.doe=example.org@johndoe.veil.example"]);
  });
});

describe("forward semantics", () => {
  const cases = ["plain-text", "html-inline-image", "attachment", "non-ascii-encoded", "non-ascii-8bit", "cc-reply-all", "long-headers"];
  it.each(cases)("%s: a MIME parser reads the same subject, text, HTML and attachments", async (name) => {
    const incoming = readIncoming(name);
    const [before, after] = await Promise.all([PostalMime.parse(incoming), PostalMime.parse(await forward(incoming))]);
    expect(after.subject).toBe(before.subject);
    expect(after.text).toBe(before.text);
    expect(after.html).toBe(before.html);
    expect(after.attachments.map((a) => [a.filename, a.contentId, Buffer.from(a.content as ArrayBuffer).toString("base64")]))
      .toEqual(before.attachments.map((a) => [a.filename, a.contentId, Buffer.from(a.content as ArrayBuffer).toString("base64")]));
  });

  it("without From uses the envelope sender, and without any sender From is the plain alias and there is no Reply-To", async () => {
    const raw = crlf(["Subject: hi", "To: shopping@johndoe.veil.example", "", "x"]);
    const withEnvelope = await parseHeaderFields(await forward(raw, {}, { mailFrom: "bounce@example.net" }));
    expect(withEnvelope.from[0]!.address).toBe("shopping+bounce=example.net@johndoe.veil.example");
    expect(withEnvelope.fields[1]!.key).toBe("from");
    const anonymous = await parseHeaderFields(await forward(raw, {}, { mailFrom: "" }));
    expect(anonymous.from).toEqual([{ address: FIXTURE_ALIAS, name: "" }]);
    expect(anonymous.replyTo).toEqual([]);
  });

  it("never routes replies to the alias itself (a Reply-To naming the alias is skipped)", async () => {
    const raw = crlf(["From: a@example.org", "Reply-To: Shopping+x@JohnDoe.veil.example", "To: shopping@johndoe.veil.example", "", "x"]);
    const p = await parseHeaderFields(await forward(raw));
    expect(decodeReverseAlias(p.replyTo[0]!.address)?.sender).toBe("a@example.org");
  });

  it("cannot be made to inject header fields through encoded display names", async () => {
    const raw = crlf([
      "From: =?utf-8?q?Evil=0D=0ABcc:_victim@example.net?= <evil@example.org>",
      "To: =?utf-8?q?X=0D=0ABcc:_v2@example.net?= <x@example.org>",
      "", "x",
    ]);
    for (const format of [0, 3, 7]) {
      const out = await forward(raw, { fromFormat: format });
      const p = await parseHeaderFields(out);
      expect(p.fields.map((f) => f.key)).not.toContain("bcc");
      expect(/\r(?!\n)|(?<!\r)\n/.test(out.toString("latin1"))).toBe(false);
    }
  });

  it("keeps the message's own line ending for bare-LF input and the body byte for byte", async () => {
    const raw = Buffer.from("From: a@example.org\nTo: shopping@johndoe.veil.example\nSubject: Grüße\n\nline 1\r\nline 2\n");
    const out = await forward(raw);
    const p = await parseHeaderFields(out);
    expect(p.eol).toBe("\n");
    expect(out.subarray(0, p.bodyOffset).includes("\r")).toBe(false);
    expect(out.subarray(p.bodyOffset).toString()).toBe("line 1\r\nline 2\n");
    expect(p.subject).toBe("Grüße");
  });
});

describe("header encoding limits", () => {
  it("re-encodes 8-bit unstructured fields and keeps ASCII fields byte for byte", async () => {
    const p = await parseHeaderFields(Buffer.from("Subject: Grüße\r\nX-Keep:  two  spaces \r\n\r\n"));
    expect(passField(p.fields[0]!, "\r\n")!.toString()).toBe("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n");
    expect(passField(p.fields[1]!, "\r\n")!.toString()).toBe("X-Keep:  two  spaces \r\n");
  });

  it("drops a structured field that cannot be folded under 998 octets, keeps unstructured ones as encoded-words", async () => {
    const token = "y".repeat(1200);
    const p = await parseHeaderFields(Buffer.from(`In-Reply-To: <${token}@example.org>\r\nComments: ${token}\r\n\r\n`));
    expect(passField(p.fields[0]!, "\r\n")).toBeNull();
    const comments = passField(p.fields[1]!, "\r\n")!.toString();
    expect(comments.split("\r\n").every((l) => l.length <= 78)).toBe(true);
    const value = (await parseHeaderFields(Buffer.from(`${comments}\r\n`))).fields[0]!.value;
    expect(value.startsWith("=?UTF-8?Q?")).toBe(true);
    expect(decodeWords(value)).toBe(token); // adjacent encoded-words decode back to the one long word
  });
});

describe("forward with unusable Message-ID / Date", () => {
  it("replaces a Message-ID that cannot be written under 998 octets, and an empty one, by a generated one", async () => {
    for (const id of [`<${"z".repeat(1200)}@example.org>`, ""]) {
      const raw = crlf(["From: a@example.org", `Message-ID: ${id}`, "Date: Sun, 01 Mar 2026 11:59:57 +0000", "", "x"]);
      const p = await parseHeaderFields(await forward(raw));
      expect(p.fields.filter((f) => f.key === "message-id").map((f) => f.value)).toEqual(["<fixed0001@johndoe.veil.example>"]);
      expect(p.fields.filter((f) => f.key === "date").map((f) => f.value)).toEqual(["Sun, 01 Mar 2026 11:59:57 +0000"]);
    }
  });
});

describe("Received field", () => {
  it("writes address literals for IPv4, IPv4-mapped and IPv6 clients", () => {
    expect(addressLiteral("192.0.2.1")).toBe("[192.0.2.1]");
    expect(addressLiteral("::ffff:192.0.2.1")).toBe("[192.0.2.1]");
    expect(addressLiteral("2001:db8::1")).toBe("[IPv6:2001:db8::1]");
    expect(addressLiteral("not an ip")).toBe("unknown");
  });

  it("sanitises the client-supplied HELO name and recipient", () => {
    const env = { ...fixtureContext().envelope, heloName: "evil\r\nBcc: x@example.org", receivedAt: "garbage" };
    const field = receivedField(env, "a@b.example>\r\nX: y", new Date("2026-01-02T03:04:05Z"), "\r\n");
    expect(field).toBe("Received: from unknown ([192.0.2.10])\r\n\tby mx1 for <a@b.exampleX:y>;\r\n\tFri, 02 Jan 2026 03:04:05 +0000");
  });
});
