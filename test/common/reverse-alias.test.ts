/**
 * The reverse-alias codec: addy.io's documented examples, edge cases, and a property test over generated
 * sender addresses (seeded, so a failure reproduces): decode(encode(alias, sender)) gives back the alias
 * and the sender (domain lower-cased), and every encoded address is a valid addr-spec.
 */
import addressparser from "nodemailer/lib/addressparser";
import { describe, expect, it } from "vitest";
import {
  MAX_LOCAL_PART_OCTETS, decodeReverseAlias, encodeReverseAlias, needsToken, splitAddress,
} from "../../common/reverse-alias.js";

describe("encodeReverseAlias", () => {
  it("matches addy.io's documented form", () => {
    expect(encodeReverseAlias("first@johndoe.anonaddy.com", "hello@example.com")).toBe("first+hello=example.com@johndoe.anonaddy.com");
    expect(encodeReverseAlias("first@johndoe.anonaddy.com", "hello+whatever@example.com")).toBe("first+hello+whatever=example.com@johndoe.anonaddy.com");
  });

  it("lower-cases both domains and keeps the local parts' case", () => {
    expect(encodeReverseAlias("first@JohnDoe.Example", "Hello.World@Example.COM")).toBe("first+Hello.World=example.com@johndoe.example");
  });

  it("writes a quoted-string local part when the result is not a dot-atom", () => {
    expect(encodeReverseAlias("first@a.example", '"john doe"@example.com')).toBe('"first+\\"john doe\\"=example.com"@a.example');
    expect(encodeReverseAlias("first@a.example", "a..b@example.jp")).toBe('"first+a..b=example.jp"@a.example');
    expect(encodeReverseAlias("first@a.example", "user@[192.0.2.1]")).toBe('"first+user=[192.0.2.1]"@a.example');
  });

  it("rejects what it cannot encode unambiguously", () => {
    expect(() => encodeReverseAlias("first+x@a.example", "b@example.com")).toThrow(TypeError);
    expect(() => encodeReverseAlias("first@a.example", "no-at-sign")).toThrow(TypeError);
    expect(() => encodeReverseAlias("@a.example", "b@example.com")).toThrow(TypeError);
  });
});

describe("decodeReverseAlias", () => {
  it("splits at the first + and the last =", () => {
    expect(decodeReverseAlias("first+a=b+c=d=example.com@johndoe.example")).toEqual({
      aliasLocal: "first", aliasDomain: "johndoe.example", sender: "a=b+c=d@example.com",
    });
  });

  it("reads quoted local parts and lower-cases domains", () => {
    expect(decodeReverseAlias('"first+\\"john doe\\"=Example.com"@A.Example')).toEqual({
      aliasLocal: "first", aliasDomain: "a.example", sender: '"john doe"@example.com',
    });
  });

  it.each([
    "first@johndoe.example", // no +
    "first+hello@johndoe.example", // no =
    "+hello=example.com@johndoe.example", // empty alias local part
    "first+=example.com@johndoe.example", // empty sender local part
    "first+hello=@johndoe.example", // empty sender domain
    "first+hello=exa mple.com@johndoe.example", // not a domain
    "first+he llo=example.com@johndoe.example", // space in an unquoted local part
    '"first+hello=example.com@johndoe.example', // unterminated quote
    "not an address",
  ])("returns null for %s", (address) => {
    expect(decodeReverseAlias(address)).toBeNull();
  });

  it("checks the alias domain when a list, set or predicate is given", () => {
    const address = "first+hello=example.com@JohnDoe.Example";
    expect(decodeReverseAlias(address, ["johndoe.example"])).not.toBeNull();
    expect(decodeReverseAlias(address, new Set(["other.example"]))).toBeNull();
    expect(decodeReverseAlias(address, (d) => d.endsWith(".example"))?.aliasDomain).toBe("johndoe.example");
  });
});

describe("needsToken", () => {
  it("is false for short ASCII senders", () => {
    expect(needsToken("first@a.example", "hello@example.com")).toBe(false);
  });
  it("is true when the local part would exceed 64 octets (RFC 5321 §4.5.3.1.1)", () => {
    const sender = `${"x".repeat(MAX_LOCAL_PART_OCTETS - "first+=example.com".length)}@example.com`;
    expect(needsToken("first@a.example", sender)).toBe(false);
    expect(needsToken("first@a.example", `x${sender}`)).toBe(true);
  });
  it("is true for a non-ASCII local part; an IDN domain is written as its A-label instead", () => {
    expect(needsToken("first@a.example", "josé@example.es")).toBe(true);
    expect(needsToken("first@a.example", "jose@Bücher.example")).toBe(false);
    expect(encodeReverseAlias("first@a.example", "jose@Bücher.example")).toBe("first+jose=xn--bcher-kva.example@a.example");
  });
});

/** mulberry32: a small seeded PRNG, so generated cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("property: decode(encode(alias, sender)) round-trips", () => {
  const rand = prng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const run = (chars: string, min: number, max: number): string =>
    Array.from({ length: min + Math.floor(rand() * (max - min + 1)) }, () => pick([...chars])).join("");
  const ATOM = "abcXYZ019+=-_!#$%&'*/?^`{|}~";
  const QTEXT = "ab Z9+=.@,;:<>()[]\"\\";
  const localPart = (): string => {
    switch (Math.floor(rand() * 4)) {
      case 0: return [run(ATOM, 1, 8), run(ATOM, 1, 8)].join("."); // dots
      case 1: return `${run(ATOM, 1, 6)}+${run(ATOM, 0, 6)}=${run(ATOM, 0, 4)}`; // + and = mixed
      case 2: return `"${run(QTEXT, 1, 12).replace(/["\\]/g, (c) => `\\${c}`)}"`; // quoted, with quoted-pairs
      default: return run(ATOM + ".", 1, 12).replace(/^\.|\.$/g, "a"); // anything, incl. a..b
    }
  };
  const domain = (): string => pick(["example.com", "Mail.Example.ORG", "a-b.example", "x.y.z.example", "[192.0.2.7]"]);
  const aliases = ["first@johndoe.example", "a.b-c_d@Shared.Example", "x1@custom.example"];

  it("for 3000 generated senders with +, =, dots and quoted local parts", () => {
    for (let i = 0; i < 3000; i++) {
      const alias = pick(aliases);
      const sender = `${localPart()}@${domain()}`;
      const encoded = encodeReverseAlias(alias, sender);
      const expectedSender = `${splitAddress(sender)!.local}@${splitAddress(sender)!.domain.toLowerCase()}`;
      const decoded = decodeReverseAlias(encoded);
      expect(decoded, `${sender} → ${encoded}`).toEqual({
        aliasLocal: splitAddress(alias)!.local,
        aliasDomain: splitAddress(alias)!.domain.toLowerCase(),
        sender: expectedSender,
      });
      // The encoded form is one valid addr-spec: an RFC 5322 parser reads exactly it back.
      expect(addressparser(`<${encoded}>`), encoded).toEqual([{ address: encoded, name: "" }]);
    }
  });
});
