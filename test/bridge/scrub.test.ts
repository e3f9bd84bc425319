/**
 * The pieces under the reply rewrite: the byte-preserving MIME tree (bridge/transform/mime-tree.ts), text
 * scrubbing (scrub.ts), per-part decoding and re-encoding (scrub-parts.ts) and header scrubbing
 * (header-scrub.ts).
 */
import { describe, expect, it } from "vitest";
import { bannerHtml, bannerText } from "../../bridge/transform/banner-markers.js";
import { scrubField } from "../../bridge/transform/header-scrub.js";
import { type MimeNode, parseMime, serializeMime } from "../../bridge/transform/mime-tree.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import { decodeQuotedPrintable, scrubTree } from "../../bridge/transform/scrub-parts.js";
import { containsAddress, type ScrubRules, scrubText } from "../../bridge/transform/scrub.js";

const RULES: ScrubRules = {
  alias: "shop@demo.test",
  ownerAddresses: ["Jo.Real@Mailbox.Example"],
  reverseAliases: [{ address: "shop+alice=sender.example@demo.test", real: "alice@sender.example" }],
};
const msg = (...lines: string[]) => Buffer.from(lines.join("\r\n"), "latin1");
const leaves = (n: MimeNode): MimeNode[] => (n.kind === "multipart" ? n.parts.flatMap((p) => leaves(p.node)) : n.kind === "message" ? [n, ...leaves(n.inner)] : [n]);

describe("MIME tree", () => {
  it.each([
    ["preamble, epilogue, transport padding", msg("Content-Type: multipart/mixed; boundary=XX", "", "preamble", "--XX  ", "", "a", "--XX", "Content-Type: text/html", "", "<b>b</b>", "--XX--", "epilogue", "")],
    ["no close delimiter", msg("Content-Type: multipart/mixed; boundary=XX", "", "--XX", "", "a", "--XX", "", "b", "")],
    ["a body line that only starts like the boundary", msg("Content-Type: multipart/mixed; boundary=XX", "", "--XX", "", "--XXY is not a delimiter", "--XX--", "")],
    ["bare LF line endings", Buffer.from("Content-Type: multipart/alternative; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nhi\n--b--\n")],
    ["nested multiparts and a message/rfc822", msg("Content-Type: multipart/mixed; boundary=o", "", "--o", "Content-Type: multipart/alternative; boundary=i", "",
      "--i", "", "t", "--i--", "--o", "Content-Type: message/rfc822", "", "Subject: inner", "", "inner body", "--o--", "")],
    ["no body at all", msg("Subject: only a header")],
  ])("serialises %s back to the same bytes", async (_name, raw) => {
    expect(serializeMime(await parseMime(raw)).equals(raw)).toBe(true);
  });

  it("parses structure: multipart children, message/rfc822 inner, an encoded rfc822 part stays opaque", async () => {
    const tree = await parseMime(msg("Content-Type: multipart/mixed; boundary=o", "", "--o", "Content-Type: message/rfc822", "", "Subject: in", "", "x",
      "--o", "Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", "", "U3ViamVjdDogeAoKeA==", "--o--", ""));
    expect(leaves(tree).map((n) => `${n.kind}:${n.type}`)).toEqual(["message:message/rfc822", "leaf:text/plain", "leaf:message/rfc822"]);
  });
});

describe("scrubText", () => {
  it("replaces the owner's address in every written form, case-insensitively, and only whole addresses", () => {
    const text = "a jo.real@mailbox.example b JO.REAL@MAILBOX.EXAMPLE c jo.real%40mailbox.example d jo.real&#64;mailbox.example "
      + "e jo.real&#x40;mailbox.example f jo.real&commat;mailbox.example g banjo.real@mailbox.example h jo.real@mailbox.example.org i jo.real@mailbox.example.";
    expect(scrubText(text, RULES, true)).toBe("a shop@demo.test b shop@demo.test c shop@demo.test d shop@demo.test e shop@demo.test "
      + "f shop@demo.test g banjo.real@mailbox.example h jo.real@mailbox.example.org i shop@demo.test.");
    expect(containsAddress(scrubText(text, RULES, true), ["jo.real@mailbox.example"])).toBe(false);
  });

  it("removes the banner in text (also re-wrapped under quote markers) and quoted X-Veilmail lines", () => {
    const banner = bannerText("shop@demo.test", "alice@sender.example", "Veilmail");
    const text = `Hi\r\n> > ${banner.slice(0, 50)}\r\n> > ${banner.slice(50)}\r\n> X-Veilmail-Original-From: Alice\r\n> Original\r\n`;
    expect(scrubText(text, RULES, false)).toBe("Hi\r\n> > \r\n> Original\r\n");
  });

  it("removes the HTML banner element with what it contains, even nested elements of the same kind", () => {
    const html = `<p>x</p>${bannerHtml("shop@demo.test", "alice@sender.example", "Veilmail").replace("This", "<div><div>This</div></div>")}<div>kept</div>`;
    expect(scrubText(html, RULES, true)).toBe("<p>x</p><div>kept</div>");
    const classless = "<div>This email was sent to <a href=\"mailto:shop@demo.test\">shop@demo.test</a> from a@b.example and has been forwarded by Veilmail.</div>";
    expect(scrubText(classless, RULES, true)).toBe("<div></div>");
  });

  it("turns reverse aliases back into the correspondents", () => {
    expect(scrubText("On Mon, Alice <SHOP+alice=sender.example@demo.test> wrote:", RULES, false)).toBe("On Mon, Alice <alice@sender.example> wrote:");
  });
});

describe("scrubTree", () => {
  it("decodes base64 and quoted-printable (soft breaks inside the address), re-encodes the same way, leaves other parts' bytes", async () => {
    const b64 = Buffer.from("Mail jo.real@mailbox.example please\r\n").toString("base64");
    const raw = msg("Content-Type: multipart/mixed; boundary=B", "", "--B", "Content-Type: text/plain", "Content-Transfer-Encoding: quoted-printable", "",
      "Write to jo.real@mail=", "box.example =E2=9C=93", "--B", "Content-Type: text/html", "Content-Transfer-Encoding: base64", "", b64,
      "--B", "Content-Type: image/png", "Content-Transfer-Encoding: base64", "", "am8ucmVhbEBtYWlsYm94LmV4YW1wbGU=", "--B--", "");
    const tree = await parseMime(raw);
    const out = scrubTree(tree, RULES);
    const [qp, html, png] = leaves(out) as Extract<MimeNode, { kind: "leaf" }>[];
    expect(decodeQuotedPrintable(qp!.body).toString("utf8")).toBe("Write to shop@demo.test ✓");
    expect(Buffer.from(html!.body.toString(), "base64").toString()).toBe("Mail shop@demo.test please\r\n");
    expect(png).toBe(leaves(tree)[2]);
  });

  it("re-encodes a UTF-16 part as UTF-8, and a 7bit part whose line grew past 998 octets as quoted-printable", async () => {
    const utf16 = Buffer.concat([msg("Content-Type: text/plain; charset=utf-16le", "Content-Transfer-Encoding: base64", "", ""),
      Buffer.from(Buffer.from("Hi jo.real@mailbox.example", "utf16le").toString("base64"))]);
    const leaf = scrubTree(await parseMime(utf16), RULES) as Extract<MimeNode, { kind: "leaf" }>;
    expect(leaf.head.toString()).toContain("charset=utf-8");
    expect(Buffer.from(leaf.body.toString(), "base64").toString("utf8")).toBe("Hi shop@demo.test");

    const rules = { ...RULES, alias: `${"x".repeat(60)}@demo.test` };
    const long = msg("Content-Type: text/plain", "", `${"a".repeat(960)} jo.real@mailbox.example`);
    const grown = scrubTree(await parseMime(long), rules) as Extract<MimeNode, { kind: "leaf" }>;
    expect(grown.head.toString()).toContain("Content-Transfer-Encoding: quoted-printable");
    expect(grown.body.toString().split("\r\n").every((l) => l.length <= 76)).toBe(true);
    expect(decodeQuotedPrintable(grown.body).toString()).toBe(`${"a".repeat(960)} ${rules.alias}`);
  });

  it("scrubs a quoted message's header block: identifying fields gone, addresses replaced, encoded names too", async () => {
    const raw = msg("Content-Type: message/rfc822", "", "Received: from x by y", "Delivered-To: jo.real@mailbox.example",
      "To: =?UTF-8?B?am8ucmVhbEBtYWlsYm94LmV4YW1wbGU=?= <jo.real@mailbox.example>", "X-Mailer: Thunderbird", "Subject: hi", "", "body", "");
    const out = serializeMime(scrubTree(await parseMime(raw), RULES)).toString();
    expect(out).toBe(["Content-Type: message/rfc822", "", "To: \"shop@demo.test\" <shop@demo.test>", "Subject: hi", "", "body", ""].join("\r\n"));
  });
});

describe("scrubField", () => {
  it("rewrites an unstructured field whose encoded words hide the owner's address", async () => {
    const [field] = (await parseHeaderFields(msg("Subject: =?UTF-8?Q?mail_jo.real=40mailbox.example?=", "", ""))).fields;
    expect(scrubField(field!, RULES, "\r\n")).toBe("Subject: mail shop@demo.test");
  });
});
