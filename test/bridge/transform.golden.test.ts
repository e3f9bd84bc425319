/**
 * Golden files for the forward rewrite: test/fixtures/mail/<case>.incoming.eml → <case>.expected.eml,
 * byte for byte (see test/helpers/golden.ts; UPDATE_GOLDEN=1 rewrites them). Besides the golden bytes,
 * each case checks the invariants that must hold for any message: body untouched, header lines ASCII,
 * CRLF and at most 998 octets, the owner's real address absent, the sender's authentication headers gone,
 * and the reply path decoding back to the right correspondent.
 */
import { describe, expect, it } from "vitest";
import { decodeReverseAlias } from "../../common/reverse-alias.js";
import type { Envelope } from "../../bridge/mail/types.js";
import type { ForwardPlan } from "../../common/internal-api.js";
import { forwardMessage } from "../../bridge/transform/forward.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import {
  FIXTURE_ALIAS, FIXTURE_REAL_MAILBOX, expectGolden, fixtureContext, fixturePlan, readIncoming,
} from "../helpers/golden.js";

interface GoldenCase {
  name: string;
  display?: Partial<ForwardPlan["display"]>;
  envelope?: Partial<Envelope>;
  /** Whom a reply to the forward must reach (decoded from its Reply-To). */
  repliesTo: string;
}

const CASES: GoldenCase[] = [
  { name: "plain-text", repliesTo: "jane.doe@example.org" },
  { name: "html-inline-image", repliesTo: "news@shop.example" },
  { name: "attachment", repliesTo: "billing@utility.example" },
  { name: "non-ascii-encoded", repliesTo: "juergen@example.de" },
  { name: "non-ascii-8bit", repliesTo: "zoe@example.se" },
  { name: "cc-reply-all", repliesTo: "alice@example.com" },
  { name: "dkim-arc-removed", envelope: { mailFrom: "bounces-77@lists.example.org" }, repliesTo: "news@lists.example.org" },
  { name: "reply-to", repliesTo: "Support@shop.example" },
  { name: "no-to-no-message-id", envelope: { mailFrom: "" }, repliesTo: "robot@alerts.example" },
  { name: "use-reply-to", display: { useReplyTo: true }, repliesTo: "jane.doe@example.org" },
  { name: "long-headers", repliesTo: "long@example.org" },
  { name: "action-headers", repliesTo: "news@tracker.example" },
];

async function forward(c: GoldenCase): Promise<{ incoming: Buffer; output: Buffer }> {
  const incoming = readIncoming(c.name);
  const output = forwardMessage(incoming, await parseHeaderFields(incoming), fixturePlan(c.display), fixtureContext(c.envelope));
  return { incoming, output };
}

describe("forward transform golden files", () => {
  for (const c of CASES) {
    it(`${c.name}: matches ${c.name}.expected.eml`, async () => {
      const { output } = await forward(c);
      expectGolden(c.name, output);
    });

    it(`${c.name}: invariants`, async () => {
      const { incoming, output } = await forward(c);
      const inParsed = await parseHeaderFields(incoming);
      const outParsed = await parseHeaderFields(output);
      const body = incoming.subarray(inParsed.bodyOffset);
      expect(output.subarray(outParsed.bodyOffset).equals(body)).toBe(true);

      const head = output.subarray(0, outParsed.bodyOffset);
      expect(head.every((b) => b < 0x80)).toBe(true);
      expect(head.toString("latin1").split("\r\n").every((l) => Buffer.byteLength(l) <= 998)).toBe(true);
      expect(/\r(?!\n)|(?<!\r)\n/.test(head.toString("latin1"))).toBe(false);
      expect(output.toString("latin1").toLowerCase()).not.toContain(FIXTURE_REAL_MAILBOX);

      const keys = outParsed.fields.map((f) => f.key);
      for (const gone of ["dkim-signature", "authentication-results", "return-path", "delivered-to", "sender", "x-veilmail-spam"]) {
        expect(keys).not.toContain(gone);
      }
      expect(keys.some((k) => k.startsWith("arc-"))).toBe(false);
      expect(keys.filter((k) => k === "from")).toHaveLength(1);
      expect(keys.filter((k) => k === "to")).toHaveLength(1);
      expect(keys.filter((k) => k === "message-id")).toHaveLength(1);
      expect(keys.filter((k) => k === "date")).toHaveLength(1);
      expect(keys[0]).toBe("received");
      expect(outParsed.fields.find((f) => f.key === "feedback-id")?.value).toBe(`F:${fixturePlan().aliasId}:veilmail`);

      expect(outParsed.replyTo).toHaveLength(1);
      const decoded = decodeReverseAlias(outParsed.replyTo[0]!.address, ["johndoe.veil.example"]);
      expect(decoded).toEqual({ aliasLocal: "shopping", aliasDomain: "johndoe.veil.example", sender: c.repliesTo.replace(/@(.*)$/, (_, d: string) => `@${d.toLowerCase()}`) });
      const fromAddress = outParsed.from[0]?.address;
      expect(fromAddress).toBe(c.display?.useReplyTo ? FIXTURE_ALIAS : outParsed.replyTo[0]!.address);
    });
  }
});

describe("fields that make the recipient's mail program write by itself", () => {
  it("carry only reverse aliases (or the alias), never an address of the sender's choosing", async () => {
    const { output } = await forward(CASES.find((c) => c.name === "action-headers")!);
    const parsed = await parseHeaderFields(output);
    const actionKeys = ["disposition-notification-to", "return-receipt-to", "x-confirm-reading-to", "mail-followup-to", "mail-reply-to", "errors-to", "list-unsubscribe", "list-post", "list-help"];
    for (const key of actionKeys) {
      const field = parsed.fields.find((f) => f.key === key);
      expect(field, key).toBeDefined();
      const addresses = [...field!.value.matchAll(/[^\s<>:,"]+@[^\s<>?,"]+/g)].map((m) => m[0]);
      expect(addresses.length, key).toBeGreaterThan(0);
      for (const address of addresses) expect(address, `${key}: ${address}`).toMatch(/@johndoe\.veil\.example$/);
    }
    const unsubscribe = parsed.fields.find((f) => f.key === "list-unsubscribe")!.value;
    expect(unsubscribe).toContain("<mailto:shopping+unsub+42=tracker.example@johndoe.veil.example?subject=unsubscribe>");
    expect(unsubscribe).toContain("<https://tracker.example/u/42>");
    expect(parsed.fields.find((f) => f.key === "list-help")!.value).toBe("<mailto:shopping+help=tracker.example@johndoe.veil.example>");
  });
});

