/**
 * Golden files for the reply / send rewrite (bridge/transform/reply.ts): test/fixtures/reply/<case>.
 * incoming.eml → <case>.expected.eml, byte for byte (UPDATE_GOLDEN=1 rewrites them; review by eye). Each
 * case also checks what must hold for any message: no trace of the owner's addresses anywhere (raw bytes,
 * decoded headers, every decoded text part), no banner, no trace or client headers, From the alias,
 * To/Cc the real correspondents, a new Message-ID on the alias domain, threading kept.
 */
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import type { ReplyPlan } from "../../common/internal-api.js";
import { replyMessage } from "../../bridge/transform/reply.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import { FIXTURE_ALIAS, FIXTURE_NOW, FIXTURE_REAL_MAILBOX, expectGolden, readIncoming } from "../helpers/golden.js";

const DIR = new URL("../fixtures/reply/", import.meta.url).pathname;
const OWNER = [FIXTURE_REAL_MAILBOX, "jo.work@office.example"];
const TOKEN_ADDRESS = "shopping+t_k3v7q2mxa7bd@johndoe.veil.example";
const LONG_CORRESPONDENT = "a.very.long.correspondent.name.that.needs.a.token@example.com";

function plan(destination: string): ReplyPlan {
  return {
    aliasId: "0b6f3a52-6d2c-4a51-9a43-5f1d1e7c9a10",
    aliasEmail: FIXTURE_ALIAS,
    userId: "7d0e4b7e-2f44-4f7c-8d8a-1c1a2b3c4d5e",
    destination,
    fromName: "Shopping",
    signingDomain: "johndoe.veil.example",
    allowedSenders: [FIXTURE_REAL_MAILBOX],
    ownerAddresses: OWNER,
    returnPath: "b_0b6f3a526d2c4a519a435f1d1e7c9a10_0123456789abcdef@johndoe.veil.example",
  };
}

const context = () => {
  let n = 0;
  return { now: FIXTURE_NOW, randomId: () => `fixed${String(++n).padStart(4, "0")}`, tokens: { [TOKEN_ADDRESS]: LONG_CORRESPONDENT } };
};

interface Case {
  name: string;
  destination: string;
  to: string[];
  cc: string[];
  threaded: boolean;
}

const CASES: Case[] = [
  { name: "reply-plain", destination: "jane.doe@example.org", to: ["jane.doe@example.org"], cc: [], threaded: true },
  { name: "reply-html-banner", destination: "jane.doe@example.org", to: ["jane.doe@example.org"], cc: [], threaded: true },
  {
    name: "reply-all", destination: "jane.doe@example.org", to: ["jane.doe@example.org"],
    cc: ["bob@shop.example", FIXTURE_ALIAS, LONG_CORRESPONDENT], threaded: true,
  },
  { name: "send-new", destination: "bob@shop.example", to: ["bob@shop.example"], cc: [], threaded: false },
  { name: "reply-quoted-message", destination: "jane.doe@example.org", to: ["jane.doe@example.org"], cc: [], threaded: true },
];

async function rewrite(c: Case): Promise<{ incoming: Buffer; output: Buffer }> {
  const incoming = readIncoming(c.name, DIR);
  const result = await replyMessage(incoming, plan(c.destination), context());
  if (!result.ok) throw new Error(`${c.name}: refused (${result.addresses.join(", ")})`);
  return { incoming, output: result.message };
}

/** Every text we can get out of a message: raw, decoded headers, decoded text and HTML, nested messages. */
async function allTexts(raw: Buffer): Promise<string[]> {
  const parsed = await PostalMime.parse(raw);
  const texts = [raw.toString("latin1"), parsed.text ?? "", parsed.html ?? "", ...parsed.headers.map((h) => `${h.key}: ${h.value}`)];
  for (const a of parsed.attachments) {
    const content = Buffer.from(a.content as ArrayBuffer);
    if (a.mimeType.startsWith("text/")) texts.push(content.toString("utf8"));
    if (a.mimeType === "message/rfc822") texts.push(...await allTexts(content));
  }
  return texts;
}

describe("reply / send transform golden files", () => {
  for (const c of CASES) {
    it(`${c.name}: matches ${c.name}.expected.eml`, async () => {
      expectGolden(c.name, (await rewrite(c)).output, DIR);
    });

    it(`${c.name}: nothing of the owner goes out, and the correspondents are right`, async () => {
      const { incoming, output } = await rewrite(c);
      for (const text of await allTexts(output)) {
        for (const owner of OWNER) expect(text.toLowerCase()).not.toContain(owner);
        expect(text.toLowerCase()).not.toContain("jo.real");
        expect(text).not.toMatch(/forwarded by Veilmail/i);
        expect(text).not.toMatch(/X-Veilmail-/i);
      }
      const head = output.subarray(0, (await parseHeaderFields(output)).bodyOffset).toString("latin1");
      expect(head.split("\r\n").every((l) => Buffer.byteLength(l) <= 998)).toBe(true);
      expect(/\r(?!\n)|(?<!\r)\n/.test(output.toString("latin1"))).toBe(false);

      const out = await parseHeaderFields(output);
      const keys = out.fields.map((f) => f.key);
      for (const gone of ["received", "x-received", "x-originating-ip", "user-agent", "x-mailer", "reply-to", "sender", "dkim-signature",
        "return-path", "disposition-notification-to", "accept-language", "x-ms-exchange-organization-authas"]) {
        expect(keys).not.toContain(gone);
      }
      expect(keys.some((k) => k.startsWith("x-veilmail-"))).toBe(false);
      expect(out.from).toEqual([{ name: "Shopping", address: FIXTURE_ALIAS }]);
      expect(out.to.map((m) => m.address)).toEqual(c.to);
      expect(out.cc.map((m) => m.address)).toEqual(c.cc);
      expect(out.messageId).toBe("<fixed0001@johndoe.veil.example>");
      const inn = await parseHeaderFields(incoming);
      const value = (p: typeof out, key: string) => p.fields.find((f) => f.key === key)?.value ?? null;
      expect(value(out, "in-reply-to")).toBe(value(inn, "in-reply-to"));
      expect(value(out, "references")).toBe(value(inn, "references"));
      expect(value(out, "in-reply-to") !== null).toBe(c.threaded);
    });
  }

  it("keeps non-text parts byte for byte (the PDF of send-new)", async () => {
    const { incoming, output } = await rewrite(CASES.find((c) => c.name === "send-new")!);
    const pdf = (raw: Buffer) => /Content-Type: application\/pdf[\s\S]*?\r\n\r\n([\s\S]*?)\r\n--/.exec(raw.toString("latin1"))![1];
    expect(pdf(output)).toBe(pdf(incoming));
  });
});

describe("what stops a reply", () => {
  const raw = (to: string, cc = "") => Buffer.from([
    `From: ${FIXTURE_REAL_MAILBOX}`, `To: ${to}`, ...(cc ? [`Cc: ${cc}`] : []), "Subject: Re: x", "Message-ID: <a@b>", "", "Hi", "",
  ].join("\r\n"));

  it.each([
    ["a real address in To", "jane.doe@example.org", "", ["jane.doe@example.org"]],
    ["the owner's own address in Cc", "shopping+jane.doe=example.org@johndoe.veil.example", FIXTURE_REAL_MAILBOX, [FIXTURE_REAL_MAILBOX]],
    ["a reverse alias of another alias", "other+jane.doe=example.org@johndoe.veil.example", "", ["other+jane.doe=example.org@johndoe.veil.example"]],
    ["a reverse alias at another domain", "shopping+jane.doe=example.org@elsewhere.example", "", ["shopping+jane.doe=example.org@elsewhere.example"]],
    ["an unknown token", "shopping+t_aaaaaaaaaaaa@johndoe.veil.example", "", ["shopping+t_aaaaaaaaaaaa@johndoe.veil.example"]],
  ])("%s", async (_name, to, cc, bad) => {
    const result = await replyMessage(raw(to, cc), plan("jane.doe@example.org"), context());
    expect(result).toEqual({ ok: false, reason: "not-reverse-alias", addresses: bad });
  });
});
