/**
 * The reply scrub against the banner the forward really writes (bridge/transform/banner.ts): the owner
 * replies to a forward quoting it, the way mail programs quote (text with `> ` markers, also re-wrapped
 * narrower; HTML in a blockquote, also with the class attribute dropped), and the message that goes to
 * the correspondent (bridge/transform/reply.ts) must carry none of the banner: not its sentence, not the
 * alias's description, and above all not the deactivate link, which switches the alias off without a
 * login.
 */
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import type { ForwardPlan, ReplyPlan } from "../../common/internal-api.js";
import { forwardMessage } from "../../bridge/transform/forward.js";
import { type MimeLeaf, type MimeNode, parseMime } from "../../bridge/transform/mime-tree.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import { replyMessage } from "../../bridge/transform/reply.js";
import { cteOf, decodeBody } from "../../bridge/transform/transfer-encoding.js";
import {
  FIXTURE_ALIAS, FIXTURE_DEACTIVATE_URL, FIXTURE_NOW, FIXTURE_REAL_MAILBOX, fixtureContext, fixturePlan, readIncoming,
} from "../helpers/golden.js";

const DESCRIPTION = "Online shopping at Zürich";
const TOKEN = FIXTURE_DEACTIVATE_URL.slice(FIXTURE_DEACTIVATE_URL.lastIndexOf("/") + 1);

const replyPlan = (destination: string): ReplyPlan => ({
  aliasId: "0b6f3a52-6d2c-4a51-9a43-5f1d1e7c9a10", aliasEmail: FIXTURE_ALIAS, userId: "7d0e4b7e-2f44-4f7c-8d8a-1c1a2b3c4d5e",
  destination, fromName: null, signingDomain: "johndoe.veil.example", allowedSenders: [FIXTURE_REAL_MAILBOX],
  ownerAddresses: [FIXTURE_REAL_MAILBOX], returnPath: "b_0b6f3a526d2c4a519a435f1d1e7c9a10_0123456789abcdef@johndoe.veil.example",
});

/** The forward the owner got, and its decoded text and HTML parts. */
async function forwarded(incoming: string, display: Partial<ForwardPlan["display"]>) {
  const raw = readIncoming(incoming);
  const out = forwardMessage(raw, await parseHeaderFields(raw), fixturePlan({ aliasDescription: DESCRIPTION, deactivateUrl: FIXTURE_DEACTIVATE_URL, ...display }), fixtureContext());
  const leaves = (n: MimeNode): MimeLeaf[] => (n.kind === "multipart" ? n.parts.flatMap((p) => leaves(p.node)) : n.kind === "leaf" ? [n] : []);
  const all = leaves(await parseMime(out));
  const text = (type: string) => {
    const leaf = all.find((l) => l.type === type);
    return leaf ? decodeBody(leaf.body, cteOf(leaf.fields)).toString(/utf-?8/i.test(leaf.params.charset ?? "") ? "utf8" : "latin1") : null;
  };
  const parsed = await parseHeaderFields(out);
  return { plain: text("text/plain"), html: text("text/html"), replyTo: parsed.replyTo[0]!.address, messageId: parsed.messageId! };
}

/** `text` quoted as a mail program does: `> ` on each line, optionally re-wrapped at `width`. */
function quote(text: string, width?: number): string {
  const lines = text.split(/\r?\n/).flatMap((line) => {
    if (!width || line.length <= width) return [line];
    const out: string[] = [];
    let cur = "";
    for (const word of line.split(" ")) {
      if (cur && cur.length + word.length + 1 > width) { out.push(cur); cur = word; } else cur = cur ? `${cur} ${word}` : word;
    }
    return [...out, cur];
  });
  return lines.map((l) => `> ${l}`).join("\r\n");
}

/** The owner's reply quoting the forward, as multipart/alternative (text quoted-printable, HTML base64). */
function ownerReply(f: Awaited<ReturnType<typeof forwarded>>, opts: { width?: number; dropClass?: boolean; safeLinks?: boolean }): Buffer {
  // Outlook's Safe Links wraps every link of a received message, and a reply quotes the wrapped link.
  const wrapLinks = (s: string) => (opts.safeLinks
    ? s.replaceAll(FIXTURE_DEACTIVATE_URL, `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(FIXTURE_DEACTIVATE_URL)}&amp;data=05%7C01`)
    : s);
  const plain = `Thanks, noted.\r\n\r\nOn Sunday, Jane <${f.replyTo}> wrote:\r\n${quote(wrapLinks(f.plain ?? ""), opts.width)}\r\n`;
  let html = wrapLinks(f.html ?? `<pre>${f.plain}</pre>`);
  if (opts.dropClass) html = html.replace(/ class="veilmail-banner"/g, "");
  const body = `<div>Thanks, noted.</div><blockquote type="cite">${html}</blockquote>`;
  return Buffer.from([
    `From: Jo <${FIXTURE_REAL_MAILBOX}>`, `To: Jane <${f.replyTo}>`, "Subject: Re: forwarded", `In-Reply-To: ${f.messageId}`,
    "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"r\"", "",
    "--r", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", plain,
    "--r", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "",
    Buffer.from(body, "utf8").toString("base64").replace(/.{76}/g, "$&\r\n"), "--r--", "",
  ].join("\r\n"), "utf8");
}

const CASES: Array<[string, string, Partial<ForwardPlan["display"]>, string]> = [
  ["plain text, top", "plain-text", { bannerLocation: "top" }, "your order 1234 has shipped"],
  ["plain text, bottom", "plain-text", { bannerLocation: "bottom" }, "your order 1234 has shipped"],
  ["alternative (quoted-printable), top", "html-inline-image", { bannerLocation: "top" }, "everything 20% off"],
  ["alternative (base64), bottom", "banner-alternative-base64", { bannerLocation: "bottom" }, "Your code is"],
  ["Latin-1 (transliterated description), bottom", "non-ascii-encoded", { bannerLocation: "bottom" }, "aus K"],
  // The longest description, as numeric character references in HTML: the sentence is at its longest.
  ["alternative, a description of 60 emoji, top", "html-inline-image", { bannerLocation: "top", aliasDescription: "😀".repeat(70) }, "everything 20% off"],
];

describe("a reply quoting a forward with our banner", () => {
  for (const [name, incoming, display, kept] of CASES) {
    const variants: Array<[string, { width?: number; dropClass?: boolean; safeLinks?: boolean }]> = [
      ["", {}], [", re-wrapped at 40 with the class dropped", { width: 40, dropClass: true }], [", links wrapped by Safe Links, class dropped", { safeLinks: true, dropClass: true }],
    ];
    for (const [variant, opts] of variants) {
      it(`${name}${variant}: the correspondent gets none of the banner`, async () => {
        const f = await forwarded(incoming, display);
        expect(`${f.plain}${f.html}`).toContain(TOKEN); // the forward did carry the banner and its link
        const result = await replyMessage(ownerReply(f, opts), replyPlan("jane.doe@example.org"), { now: FIXTURE_NOW, randomId: () => "fixed0001", tokens: {} });
        if (!result.ok) throw new Error(`refused: ${result.addresses.join(", ")}`);
        const parsed = await PostalMime.parse(result.message);
        for (const text of [result.message.toString("latin1"), parsed.text ?? "", parsed.html ?? ""]) {
          expect(text).not.toContain(TOKEN.slice(0, 24));
          expect(text).not.toMatch(/deactivate|safelinks/i);
          expect(text).not.toMatch(/forwarded\s+(?:>\s*)*by/);
          expect(text).not.toMatch(/This\s+(?:>\s*)*email\s+(?:>\s*)*was\s+(?:>\s*)*sent/);
          expect(text).not.toMatch(/Online\s+(?:>\s*)*shopping|😀|&#x1F600;/);
        }
        expect(parsed.text).toContain("Thanks, noted.");
        expect(parsed.html).toContain("Thanks, noted.");
        expect(parsed.text).toContain(kept);
        expect(parsed.html).toContain(kept);
      });
    }
  }
});
