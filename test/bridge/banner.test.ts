/**
 * The forward banner's rules on small messages (bridge/transform/banner.ts and the modules under it):
 * which parts take it, what it says in which charset and encoding, and the messages it must leave alone.
 * The golden files (banner.golden.test.ts) hold the full forwards; these cases are the edges.
 */
import { describe, expect, it } from "vitest";
import { ForwardPlan } from "../../common/internal-api.js";
import { asciiAddress, transliterate } from "../../bridge/transform/ascii.js";
import { applyBanner } from "../../bridge/transform/banner.js";
import { bannerDescription, bannerHtml, bannerTextLines } from "../../bridge/transform/banner-markers.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import { decodeQuotedPrintable } from "../../bridge/transform/transfer-encoding.js";
import { FIXTURE_DEACTIVATE_URL, fixturePlan } from "../helpers/golden.js";

const msg = (...lines: string[]) => Buffer.from(lines.join("\r\n"), "latin1");
/** The text with line breaks as spaces (the banner's sentence is wrapped). */
const flat = (b: Buffer, encoding: BufferEncoding = "utf8") => b.toString(encoding).replace(/\r?\n/g, " ");
const plan = (display: Partial<ForwardPlan["display"]> = {}) =>
  fixturePlan({ bannerLocation: "top", aliasDescription: "Shop", deactivateUrl: FIXTURE_DEACTIVATE_URL, ...display });

async function banner(raw: Buffer, display: Partial<ForwardPlan["display"]> = {}, sender: string | null = "a@b.example"): Promise<{ body: Buffer; original: Buffer }> {
  const { bodyOffset } = await parseHeaderFields(raw);
  return { body: applyBanner(raw, bodyOffset, plan(display), sender), original: raw.subarray(bodyOffset) };
}

describe("what is left alone", () => {
  it.each([
    ["banner off", msg("Content-Type: text/plain", "", "hi", ""), { bannerLocation: "off" as const }],
    ["no text part (only an image)", msg("Content-Type: image/png", "Content-Transfer-Encoding: base64", "", "iVBORw0KGgo=", ""), {}],
    ["a text part that is an attachment", msg("Content-Type: multipart/mixed; boundary=m", "", "--m", "Content-Type: text/plain",
      "Content-Disposition: attachment; filename=a.txt", "", "data", "--m--", ""), {}],
    ["multipart/encrypted (PGP/MIME)", msg("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e", "",
      "--e", "Content-Type: application/pgp-encrypted", "", "Version: 1", "--e", "Content-Type: application/octet-stream", "",
      "-----BEGIN PGP MESSAGE-----", "x", "-----END PGP MESSAGE-----", "--e--", ""), {}],
    ["a signed part inside multipart/mixed first", msg("Content-Type: multipart/mixed; boundary=o", "", "--o",
      "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s", "", "--s", "Content-Type: text/plain", "", "signed",
      "--s", "Content-Type: application/pkcs7-signature", "", "MIIB", "--s--", "--o", "Content-Type: text/plain", "", "list footer", "--o--", ""), {}],
    ["inline PGP, base64-encoded", msg("Content-Type: text/plain", "Content-Transfer-Encoding: base64", "",
      Buffer.from("-----BEGIN PGP MESSAGE-----\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n").toString("base64"), ""), {}],
    ["S/MIME (application/pkcs7-mime)", msg("Content-Type: application/pkcs7-mime; smime-type=enveloped-data", "Content-Transfer-Encoding: base64", "", "MIAGCSqG", ""), {}],
    ["a UTF-16 part", msg("Content-Type: text/plain; charset=utf-16le", "Content-Transfer-Encoding: base64", "", Buffer.from("hi", "utf16le").toString("base64"), ""), {}],
    ["an unknown transfer encoding", msg("Content-Type: text/plain", "Content-Transfer-Encoding: x-uuencode", "", "begin 644 a", ""), {}],
    ["a message/rfc822 only", msg("Content-Type: message/rfc822", "", "Subject: inner", "", "inner text", ""), {}],
  ])("%s: body byte for byte", async (_name, raw, display) => {
    const { body, original } = await banner(raw, display);
    expect(body.equals(original)).toBe(true);
  });
});

describe("where it goes", () => {
  it("a message without MIME headers is text/plain us-ascii: ASCII banner at the top, the text after an empty line", async () => {
    const { body } = await banner(msg("Subject: x", "", "Hello", ""), { aliasDescription: "Bücher" });
    expect(body.toString("latin1")).toMatch(/^This email was sent to shopping@johndoe\.veil\.example \(Bucher\) from\r\na@b\.example and has been forwarded by Veilmail\.\r\nDeactivate this alias: https:\/\/app\.veil\.example\/deactivate\/\S+\r\n\r\nHello\r\n$/);
  });

  it("bare LF message: the banner uses LF too", async () => {
    const { body } = await banner(Buffer.from("Content-Type: text/plain\n\nHello\n"), { bannerLocation: "bottom" });
    expect(body.toString()).toMatch(/^Hello\n\nThis email was sent[^\r]*\nDeactivate this alias: \S+\n$/);
  });

  it("HTML without <body>: after </head>, else at the start; bottom before </html>, else at the end", async () => {
    const head = (await banner(msg("Content-Type: text/html", "", "<html><head><title>t</title></head><p>x</p></html>", ""))).body.toString();
    expect(head).toMatch(/^<html><head><title>t<\/title><\/head>\r\n<div class="veilmail-banner"/);
    const bare = (await banner(msg("Content-Type: text/html", "", "<p>x</p>", ""))).body.toString();
    expect(bare).toMatch(/^<div class="veilmail-banner"[\s\S]*<\/div>\r\n<p>x<\/p>\r\n$/);
    const bottom = (await banner(msg("Content-Type: text/html", "", "<html><p>x</p></html>", ""), { bannerLocation: "bottom" })).body.toString();
    expect(bottom).toMatch(/^<html><p>x<\/p>\r\n<div class="veilmail-banner"[\s\S]*<\/div>\r\n<\/html>\r\n$/);
    const none = (await banner(msg("Content-Type: text/html", "", "<p>x</p>", ""), { bannerLocation: "bottom" })).body.toString();
    expect(none).toMatch(/^<p>x<\/p>\r\n<div class="veilmail-banner"[\s\S]*<\/div>\r\n$/);
  });

  it("multipart/mixed whose first body is multipart/related around the alternative: both alternatives, nothing else", async () => {
    const raw = msg("Content-Type: multipart/mixed; boundary=m", "", "--m", "Content-Type: multipart/related; boundary=r", "",
      "--r", "Content-Type: multipart/alternative; boundary=a", "", "--a", "Content-Type: text/plain", "", "plain", "--a",
      "Content-Type: text/html", "", "<body>html</body>", "--a--", "--r", "Content-Type: text/plain", "", "inline text", "--r--",
      "--m", "Content-Type: text/plain", "", "second body", "--m--", "");
    const text = (await banner(raw)).body.toString();
    expect(text.match(/This email was sent/g)).toHaveLength(2);
    expect(text).toContain("\r\n\r\nplain\r\n--a");
    expect(text).toContain("<body>\r\n<div class=\"veilmail-banner\"");
    expect(text).toContain("\r\n\r\ninline text\r\n--r--".replace("\r\n\r\n", "\r\n"));
    expect(text).toContain("\r\n\r\nsecond body\r\n--m--".replace("\r\n\r\n", "\r\n"));
  });
});

describe("what it says", () => {
  it("names an unknown sender when the message has none, and no link when the plan has none", async () => {
    const { body } = await banner(msg("Content-Type: text/plain", "", "x", ""), { deactivateUrl: undefined }, null);
    expect(flat(body)).toContain("from an unknown sender and has");
    expect(body.toString()).not.toContain("Deactivate");
  });

  it("a UTF-8 part in 8bit or quoted-printable carries the description as UTF-8; in 7bit it is transliterated", async () => {
    const eight = (await banner(msg("Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit", "", "x", ""), { aliasDescription: "Bücher 📚" })).body;
    expect(flat(eight)).toContain("(Bücher 📚)");
    const qp = (await banner(msg("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", "x=C3=A9", ""), { aliasDescription: "Bücher" })).body;
    expect(decodeQuotedPrintable(qp).toString("utf8")).toMatch(/\(Bücher\)[\s\S]*\r\n\r\nxé\r\n$/);
    const seven = (await banner(msg("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 7bit", "", "x", ""), { aliasDescription: "Bücher 📚" })).body;
    expect(seven.toString("latin1")).toMatch(/^[\x00-\x7f]*$/);
    expect(seven.toString()).not.toContain("Bucher"); // the emoji has no ASCII form: the description is left out
    expect(flat(seven)).toContain("shopping@johndoe.veil.example from a@b.example");
  });

  it("a non-UTF-8 part shows an internationalised sender in ASCII (IDNA domain)", async () => {
    const body = (await banner(msg("Content-Type: text/plain; charset=iso-8859-1", "", "x", ""), {}, "jürgen@bücher.example")).body.toString("latin1");
    expect(body.replace(/\r\n/g, " ")).toContain("from jurgen@xn--bcher-kva.example and");
  });

  it("drops control and bidi-override characters, a link that is not http(s), and cuts a long product name", async () => {
    const raw = msg("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", "x", "");
    const { body } = await banner(raw, { aliasDescription: "a\u0000b\u202Egnp.exe\u0007", appName: "V".repeat(100), deactivateUrl: "javascript:alert(1)" }, "x\u0001y@b.example");
    const text = flat(body);
    expect(text).toContain("(a b gnp.exe) from x y@b.example");
    expect(text).toContain(`forwarded by ${"V".repeat(61)}....`);
    expect(text).not.toMatch(/[\u0000-\u0008\u202e]|javascript|Deactivate/);
    expect(ForwardPlan.safeParse(fixturePlan({ appName: "", deactivateUrl: "not a url" })).success).toBe(true); // never a reason to defer mail
  });

  it("HTML escapes every interpolated text, the link included, and stays ASCII", () => {
    const html = bannerHtml("a@b.example", "x\"<y>@evil.example", "Veilmail", { description: "<script>alert(1)</script> & ü", deactivateUrl: "https://app.example/deactivate/a.b?c=\"d\"" });
    expect(html).not.toMatch(/<script|"<y>|="d"/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#xFC;");
    expect(html).toContain('href="https://app.example/deactivate/a.b?c=&quot;d&quot;"');
    expect(html).toMatch(/^[\x20-\x7e\r\n]*$/);
  });

  it("cuts a long description and keeps every line short; a long address stays whole on its own line", () => {
    expect(bannerDescription("x".repeat(200))).toBe(`${"x".repeat(57)}...`);
    expect(bannerDescription("  \n ")).toBeNull();
    const lines = bannerTextLines("a@b.example", `${"l".repeat(64)}@${"d".repeat(180)}.example`, "Veilmail", { description: "word ".repeat(30) });
    expect(lines.every((l) => l.length <= 998)).toBe(true);
    expect(lines.some((l) => l.includes(`${"l".repeat(64)}@`))).toBe(true);
  });

  it("transliterates Latin text and gives up on scripts without an ASCII form", () => {
    expect(transliterate("Café “Zürich” – Straße…")).toBe('Cafe "Zurich" - Strasse...');
    expect(transliterate("Łódź Ærø")).toBe("Lodz AEro");
    expect(transliterate("買い物")).toBeNull();
    expect(asciiAddress("用户@例子.广告")).toMatch(/^\?\?@xn--fsqu00a\.xn--[a-z0-9]+$/);
  });
});
