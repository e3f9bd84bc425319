/**
 * Pure rules behind the security review's findings 4, 7 and 9: strict domain parsing (no IP literals,
 * numeric TLDs, paths, ports, userinfo or invisible characters; IDN to A-labels), reserved usernames
 * and shared-domain local parts (every RFC 2142 role mailbox, the service's own host labels), and owner
 * notices that quote remote text only inertly.
 */
import { describe, expect, it } from "vitest";
import { normalizeDomain, parseAddress } from "../../worker/domain/address.js";
import { isReservedSharedLocalPart } from "../../worker/domain/reserved-local-parts.js";
import { checkUsername, serviceHostLabels } from "../../worker/domain/username.js";
import { QUOTE_LIMITS, inertQuote, noticeText } from "../../worker/outbound/notice-texts.js";

/** RFC 2142 §3 (business), §4 (network operations), §5 (support services). */
const RFC2142 = ["info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp"];

describe("normalizeDomain", () => {
  it.each([
    ["Example.COM", "example.com"], ["example.com.", "example.com"], ["Bücher.example", "xn--bcher-kva.example"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"], ["example\u3002com", "example.com"], ["1.2.3.example", "1.2.3.example"],
    ["a-b.co.uk", "a-b.co.uk"],
  ])("accepts %s as %s", (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    "127.0.0.1", "2130706434", "0x7f.1", "0x7f.0.0.1", "[127.0.0.1]", "[::1]", "x.123", "example.0x1", // IP literals, numeric TLDs
    "evil.example/path", "evil.example:25", "u@evil.example", "evil.example?x", "evil.example#x", "evil.example\\x", // URL parts
    "ex%41mple.com", "exa mple.com", "\u200bexample.com", "ex\u00adample.com", "ex\uFF0Fample.com", // escapes, invisible, lookalike slash
    "ab--cd.example", "xn--abc.example", "xn--.example", "-a.example", "a-.example", "localhost", "", "a".repeat(64) + ".example",
  ])("refuses %j", (input) => {
    expect(normalizeDomain(input)).toBeNull();
  });

  it("is what addresses are parsed with: no address at an IP number", () => {
    expect(parseAddress("x@2130706434")).toBeNull();
    expect(parseAddress("x@127.0.0.1")).toBeNull();
    expect(parseAddress("Jane@Bücher.Example")).toEqual({ local: "jane", domain: "xn--bcher-kva.example" });
  });
});

describe("reserved names", () => {
  it("every RFC 2142 role mailbox, and our return paths, are reserved on a shared domain root", () => {
    for (const local of [...RFC2142, "mailer-daemon", "bounces", "noreply", "b_0123_abc"]) expect(isReservedSharedLocalPart(local), local).toBe(true);
    expect(isReservedSharedLocalPart("shop")).toBe(false);
  });

  it("usernames may not be role names or hosts looked up by name", () => {
    for (const name of [...RFC2142, "spf", "dkim", "dmarc", "autodiscover", "autoconfig", "mtasts", "mx", "mx1", "mx2", "smtp", "imap"]) {
      expect(checkUsername(name), name).toEqual({ ok: false, message: "is reserved" });
    }
    expect(checkUsername("_dmarc")).toMatchObject({ ok: false, message: "must be 1 to 20 letters or digits" });
    expect(checkUsername("mta-sts")).toMatchObject({ ok: false, message: "must be 1 to 20 letters or digits" });
    expect(checkUsername("Jane")).toEqual({ ok: true, username: "jane" });
  });

  it("the service's own host labels come from its configuration (MX_HOSTS, SPF_INCLUDE, APP_URL)", () => {
    const labels = serviceHostLabels({ mxHosts: ["in7.mail.example", "backup9.mail.example"], spfInclude: "sendersx.mail.example" }, "https://panel.mail.example");
    expect([...labels].sort()).toEqual(["backup9", "in7", "panel", "sendersx"]);
    expect(checkUsername("in7", labels)).toEqual({ ok: false, message: "is reserved" });
    expect(checkUsername("in7")).toEqual({ ok: true, username: "in7" });
    expect([...serviceHostLabels({ mxHosts: [], spfInclude: "spf.x.example" }, "http://127.0.0.1:8787")]).toEqual(["spf"]);
  });
});

describe("owner notices quote remote text inertly", () => {
  const app = { appName: "Veilmail", appUrl: "https://app.veilmail.example" };
  const forged = {
    id: "e", kind: "bounced" as const, aliasId: "a", userId: "u", bytes: 1, at: new Date().toISOString(), emailType: "F" as const,
    destination: "jane@mailbox.example", status: "5.1.1\nX-Evil: 1", remoteMta: "javascript:alert(15)",
    diagnostic: `550 Reply: your account is locked, log in at https://evil.example/phish or www.evil.example\r\n\r\nRegards ${"x".repeat(500)}`,
  };

  it("as marked, one-line, length-limited plain text where no link survives", () => {
    const { text } = noticeText(forged, "shop@jane.share.test", app);
    expect(text).toContain("What the remote server said (its words, not ours");
    expect(text).toContain('Server: "javascript[:]alert(15)"');
    expect(text).toContain("https[:]//evil[.]example/phish");
    expect(text).toContain("www[.]evil[.]example");
    const ownLink = text.indexOf(app.appUrl);
    const withoutOurLink = text.slice(0, ownLink) + text.slice(ownLink + app.appUrl.length);
    for (const bad of ["javascript:", "https://", "evil.example", "www.evil", "X-Evil"]) expect(withoutOurLink, bad).not.toContain(bad);
    const reply = text.split("\n").find((l) => l.startsWith("  Reply: "))!;
    expect(reply.length).toBeLessThan(QUOTE_LIMITS.reply + 60);
    expect(reply).toContain("…");
    expect(text).toContain("Destination: jane@mailbox.example");
    expect(text).not.toContain("Status:");
    expect(text).toContain(app.appUrl); // our own link stays a link
  });

  it("keeps ordinary replies readable", () => {
    expect(inertQuote("smtp; 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown", 300))
      .toBe('"smtp; 550 5.1.1 <bob@example[.]com>: Recipient address rejected: User unknown"');
    expect(inertQuote("a\u202Eb\u0000c \"q\"", 300)).toBe("\"a b c 'q'\"");
    expect(noticeText({ ...forged, status: "5.7.1" }, null, app).text).toContain("Status: 5.7.1");
  });
});
