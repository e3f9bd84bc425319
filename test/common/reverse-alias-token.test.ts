/**
 * The stored short-token form of reverse aliases (common/reverse-alias.ts) and the rule that picks it:
 * every address the forward step can write is either a plain reverse alias that decodes back to its
 * sender and fits RFC 5321's limits, or (needsToken) the token form, which also fits and never decodes as
 * a plain one. The Worker's token table is covered by test/worker/reverse-resolve.test.ts; here the
 * forward transform is shown to use the token form it is given.
 */
import { describe, expect, it } from "vitest";
import {
  MAX_LOCAL_PART_OCTETS, decodeReverseAlias, decodeTokenReverseAlias, encodeReverseAlias, encodeTokenReverseAlias,
  needsToken, newReverseAliasToken, splitAddress,
} from "../../common/reverse-alias.js";
import { forwardMessage } from "../../bridge/transform/forward.js";
import { parseHeaderFields } from "../../bridge/transform/parse.js";
import { fixtureContext, fixturePlan } from "../helpers/golden.js";

describe("token form", () => {
  it("encodes and decodes (case-insensitive), and is never read as the plain form", () => {
    const address = encodeTokenReverseAlias("first@JohnDoe.Example", "k3v7q2mxa7bd");
    expect(address).toBe("first+t_k3v7q2mxa7bd@johndoe.example");
    expect(decodeTokenReverseAlias(address.toUpperCase())).toEqual({ aliasLocal: "FIRST", aliasDomain: "johndoe.example", token: "k3v7q2mxa7bd" });
    expect(decodeReverseAlias(address)).toBeNull();
    expect(decodeTokenReverseAlias("first+t_k3v7q2mxa7bd=example.com@johndoe.example")).toBeNull();
    expect(decodeTokenReverseAlias(address, ["other.example"])).toBeNull();
    for (const bad of ["k3v7q2mxa9b", "k3v7q2mxa7bd1", "K3V7Q2MXA9B!", "k3v7q2mxa9b0"]) {
      expect(() => encodeTokenReverseAlias("first@a.example", bad)).toThrow(TypeError);
    }
  });

  it("makes 12 base32 characters, different every time", () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => newReverseAliasToken()));
    expect(tokens.size).toBe(2000);
    for (const t of tokens) expect(t).toMatch(/^[a-z2-7]{12}$/);
  });
});

describe("property: every sender gets a usable reverse alias", () => {
  let seed = 0x70c3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const word = (n: number, chars = "abcdefghijklmnopqrstuvwxyz0123456789.+=-_") =>
    Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join("").replace(/^\.|\.$|\.\./g, "x");
  const aliases = ["first@johndoe.example", "a-much-longer-alias-local-part@custom-domain.example"];

  it("for 2000 generated senders, short and long, ASCII and not", () => {
    let tokens = 0;
    for (let i = 0; i < 2000; i++) {
      const alias = aliases[i % 2]!;
      const local = rand() < 0.15 ? `${word(3)}é${word(2)}` : word(1 + Math.floor(rand() * 70));
      const sender = `${local}@${word(3 + Math.floor(rand() * 10), "abcdefghij")}.example`;
      if (needsToken(alias, sender)) {
        tokens++;
        const address = encodeTokenReverseAlias(alias, newReverseAliasToken());
        expect(Buffer.byteLength(splitAddress(address)!.local)).toBeLessThanOrEqual(MAX_LOCAL_PART_OCTETS);
        expect(decodeReverseAlias(address)).toBeNull();
      } else {
        const address = encodeReverseAlias(alias, sender);
        expect(Buffer.byteLength(splitAddress(address)!.local), address).toBeLessThanOrEqual(MAX_LOCAL_PART_OCTETS);
        expect(decodeReverseAlias(address)?.sender).toBe(sender);
      }
    }
    expect(tokens).toBeGreaterThan(200);
    expect(tokens).toBeLessThan(1800);
  });
});

describe("the forward transform", () => {
  const sender = `${"a-correspondent-with-a-very-long-name".repeat(2)}@example.org`;
  const raw = Buffer.from([`From: Long Name <${sender}>`, "To: shopping@johndoe.veil.example", "Subject: hi", "Message-ID: <m@x>", "", "Hi", ""].join("\r\n"));

  it("writes the token form it was given for a sender whose plain form does not fit", async () => {
    expect(needsToken(fixturePlan().aliasEmail, sender)).toBe(true);
    const token = "shopping+t_abcdefghijkl@johndoe.veil.example";
    const out = forwardMessage(raw, await parseHeaderFields(raw), fixturePlan(), { ...fixtureContext(), tokens: new Map([[sender.toLowerCase(), token]]) });
    const parsed = await parseHeaderFields(out);
    expect(parsed.from[0]!.address).toBe(token);
    expect(parsed.replyTo[0]!.address).toBe(token);
  });

  it("without a token, never writes an over-long reverse alias (the next candidate, the envelope sender, is used)", async () => {
    const out = forwardMessage(raw, await parseHeaderFields(raw), fixturePlan(), fixtureContext({ mailFrom: "" }));
    const parsed = await parseHeaderFields(out);
    expect(parsed.from[0]!.address).toBe(fixturePlan().aliasEmail);
    expect(parsed.replyTo).toEqual([]);
    const withEnvelope = await parseHeaderFields(forwardMessage(raw, await parseHeaderFields(raw), fixturePlan(), fixtureContext()));
    expect(withEnvelope.replyTo[0]!.address).toBe("shopping+bounces+4711=mail.example.org@johndoe.veil.example");
  });
});
