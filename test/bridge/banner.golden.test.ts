/**
 * Golden files for the forward banner (bridge/transform/banner.ts): `<incoming>.incoming.eml` forwarded
 * with a banner setting → `banner-<case>.expected.eml`, byte for byte (test/helpers/golden.ts;
 * UPDATE_GOLDEN=1 rewrites them: review every diff). Besides the bytes, every case checks what must hold
 * for any message: no line over 998 octets; the header block the same as with the banner off; the MIME
 * structure, every delimiter and every part the banner does not go into byte for byte the same; the parts
 * it goes into keep their header fields and their text (the banner is the only addition); the banner's
 * words are ASCII where the part is not UTF-8 (or is 7bit).
 */
import { describe, expect, it } from "vitest";
import type { ForwardPlan } from "../../common/internal-api.js";
import { bannerSentencePattern, deactivateLinkPattern } from "../../bridge/transform/banner-markers.js";
import { forwardMessage } from "../../bridge/transform/forward.js";
import { type MimeLeaf, type MimeNode, parseMime } from "../../bridge/transform/mime-tree.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import { cteOf, decodeBody } from "../../bridge/transform/transfer-encoding.js";
import { FIXTURE_DEACTIVATE_URL, expectGolden, fixtureContext, fixturePlan, readIncoming } from "../helpers/golden.js";

interface BannerCase {
  name: string;
  incoming: string;
  display: Partial<ForwardPlan["display"]>;
  /** How many parts get the banner (0: the body must stay byte for byte). */
  changed: number;
}

const on = (bannerLocation: "top" | "bottom", aliasDescription: string | null = "Online shopping") =>
  ({ bannerLocation, aliasDescription, deactivateUrl: FIXTURE_DEACTIVATE_URL, appName: "Veilmail" });

const CASES: BannerCase[] = [
  { name: "banner-top-plain", incoming: "plain-text", display: on("top"), changed: 1 },
  { name: "banner-bottom-plain", incoming: "plain-text", display: on("bottom"), changed: 1 },
  { name: "banner-top-plain-7bit-transliterated", incoming: "plain-text", display: on("top", "Café “Zürich” – Straße"), changed: 1 },
  { name: "banner-top-utf8-8bit", incoming: "non-ascii-8bit", display: on("top", "Boutique – Zürich 😀"), changed: 1 },
  { name: "banner-top-latin1-qp", incoming: "non-ascii-encoded", display: on("top", "Café – Köln"), changed: 1 },
  { name: "banner-bottom-latin1-cjk-omitted", incoming: "non-ascii-encoded", display: on("bottom", "買い物"), changed: 1 },
  { name: "banner-top-html", incoming: "banner-html", display: on("top", "Café <news> & \"more\""), changed: 1 },
  { name: "banner-bottom-html", incoming: "banner-html", display: on("bottom", "Café – 😀"), changed: 1 },
  { name: "banner-top-alternative-qp", incoming: "html-inline-image", display: on("top"), changed: 2 },
  { name: "banner-bottom-alternative-qp", incoming: "html-inline-image", display: on("bottom"), changed: 2 },
  { name: "banner-top-base64", incoming: "banner-alternative-base64", display: on("top", null), changed: 2 },
  { name: "banner-bottom-base64", incoming: "banner-alternative-base64", display: on("bottom", null), changed: 2 },
  { name: "banner-top-attachment", incoming: "attachment", display: on("top"), changed: 1 },
  { name: "banner-bottom-nested", incoming: "banner-nested", display: on("bottom"), changed: 1 },
  { name: "banner-top-signed", incoming: "banner-signed", display: on("top"), changed: 0 },
  { name: "banner-top-inline-pgp", incoming: "banner-inline-pgp", display: on("top"), changed: 0 },
  { name: "banner-top-no-link", incoming: "plain-text", display: { bannerLocation: "top", aliasDescription: null }, changed: 1 },
];

function forward(incoming: string, display: Partial<ForwardPlan["display"]>): Promise<Buffer> {
  const raw = readIncoming(incoming);
  return parseHeaderFields(raw).then((parsed) => forwardMessage(raw, parsed, fixturePlan(display), fixtureContext()));
}

const decoded = (leaf: MimeLeaf) => decodeBody(leaf.body, cteOf(leaf.fields)).toString("latin1");
const squeeze = (s: string) => s.replace(/\s+/g, "");
/** The text of a part with the banner taken out: the HTML element, or the sentence and the link line. */
const withoutBanner = (leaf: MimeLeaf) => leaf.type === "text/html"
  ? decoded(leaf).replace(/<div class="veilmail-banner"[\s\S]*?<\/div>/, "")
  : decoded(leaf).replace(bannerSentencePattern(), "").replace(deactivateLinkPattern(), "");

/**
 * Walks two trees side by side; returns the leaves whose body differs, failing on any other difference
 * (the top level's header block is the forward's own and is not compared here).
 */
function changedLeaves(a: MimeNode, b: MimeNode, top: boolean): [MimeLeaf, MimeLeaf][] {
  expect(b.kind).toBe(a.kind);
  expect(b.type).toBe(a.type);
  if (!top) expect(b.head.equals(a.head)).toBe(true);
  if (a.kind === "leaf" && b.kind === "leaf") return a.body.equals(b.body) ? [] : [[a, b]];
  if (a.kind === "message" && b.kind === "message") {
    expect(b.inner.head.equals(a.inner.head)).toBe(true);
    return changedLeaves(a.inner, b.inner, false);
  }
  if (a.kind === "multipart" && b.kind === "multipart") {
    expect(b.preamble.equals(a.preamble)).toBe(true);
    expect(b.tail.equals(a.tail)).toBe(true);
    expect(b.parts.length).toBe(a.parts.length);
    return a.parts.flatMap((p, i) => {
      expect(b.parts[i]!.delimiter.equals(p.delimiter)).toBe(true);
      expect(b.parts[i]!.trailer.equals(p.trailer)).toBe(true);
      return changedLeaves(p.node, b.parts[i]!.node, false);
    });
  }
  return [];
}

describe("forward banner golden files", () => {
  for (const c of CASES) {
    it(`${c.name}: matches ${c.name}.expected.eml`, async () => {
      expectGolden(c.name, await forward(c.incoming, c.display));
    });

    it(`${c.name}: invariants`, async () => {
      const output = await forward(c.incoming, c.display);
      const plain = await forward(c.incoming, { ...c.display, bannerLocation: "off" });
      expect(output.toString("latin1").split(/\r?\n/).every((l) => l.length <= 998)).toBe(true);

      const outHead = (await parseHeaderFields(output)).bodyOffset;
      const plainHead = (await parseHeaderFields(plain)).bodyOffset;
      expect(output.subarray(0, outHead).equals(plain.subarray(0, plainHead))).toBe(true);

      const changed = changedLeaves(await parseMime(readIncoming(c.incoming)), await parseMime(output), true);
      expect(changed).toHaveLength(c.changed);
      for (const [before, after] of changed) {
        expect(["text/plain", "text/html"]).toContain(after.type);
        expect(squeeze(withoutBanner(after))).toBe(squeeze(decoded(before)));
        const text = decoded(after);
        const sentence = text.match(bannerSentencePattern())?.[0] ?? "";
        expect(sentence).toMatch(/^This email was sent to shopping@johndoe\.veil\.example/);
        if (c.display.deactivateUrl) expect(text).toContain(c.display.deactivateUrl);
        else expect(text).not.toContain("/deactivate/");
        const utf8 = /utf-?8/i.test(after.params.charset ?? "") && cteOf(after.fields) !== "7bit" && after.type === "text/plain";
        if (!utf8) expect(sentence).toMatch(/^[\x20-\x7e\r\n]*$/);
        // Top: right at the start of the text (just after <body>); bottom: at its end (just before </body>).
        if (after.type === "text/html") {
          const start = text.indexOf(`<div class="veilmail-banner"`);
          const end = text.indexOf("</div>", start) + "</div>".length;
          if (c.display.bannerLocation === "top") expect(text.slice(0, start)).toMatch(/<body\b[^>]*>\s*$/i);
          else expect(text.slice(end)).toMatch(/^\s*<\/body>/i);
        } else if (c.display.bannerLocation === "top") {
          expect(text.startsWith("This email was sent to ")).toBe(true);
        } else {
          const last = [...text.matchAll(c.display.deactivateUrl ? deactivateLinkPattern() : bannerSentencePattern())].pop()!;
          expect(text.slice(last.index + last[0].length)).toMatch(/^\s*$/);
        }
      }
    });
  }

  it("banner off: the forward is the one without a banner (plain-text.expected.eml), body byte for byte", async () => {
    const output = await forward("plain-text", { ...on("top"), bannerLocation: "off" });
    expectGolden("plain-text", output);
    const incoming = readIncoming("plain-text");
    const body = (raw: Buffer) => parseHeaderFields(raw).then((p) => raw.subarray(p.bodyOffset));
    expect((await body(output)).equals(await body(incoming))).toBe(true);
  });
});
