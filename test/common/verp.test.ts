/**
 * VERP return paths (common/verp.ts): shape, MAC, forgery, case-insensitivity and the 7-day expiry at
 * both edges.
 */
import { describe, expect, it } from "vitest";
import { isVerpExpired, parseVerp, VERP_VALIDITY_SECONDS, verifyVerp, verpAddress } from "../../common/verp.js";

const SECRET = "verp-test-secret";
const ID = "0b6f3a52-6d2c-4a51-9a43-5f1d1e7c9a10";

describe("verpAddress / parseVerp / verifyVerp", () => {
  it("writes b_<32 hex>_<16 hex>@domain and reads it back", async () => {
    const address = await verpAddress(SECRET, ID, "Veilmail.Test");
    expect(address).toMatch(/^b_0b6f3a526d2c4a519a435f1d1e7c9a10_[0-9a-f]{16}@veilmail\.test$/);
    expect(address.length).toBeLessThan(64 + 1 + "veilmail.test".length);
    const parts = parseVerp(address)!;
    expect(parts).toEqual({ id: ID, mac: address.slice(35, 51), domain: "veilmail.test" });
    expect(await verifyVerp(SECRET, parts)).toBe(true);
    expect(await verifyVerp(SECRET, parseVerp(address.toUpperCase())!)).toBe(true);
  });

  it("refuses a changed MAC, id or domain, and another secret", async () => {
    const address = await verpAddress(SECRET, ID, "veilmail.test");
    const parts = parseVerp(address)!;
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "0" ? "1" : "0") + s.slice(i + 1);
    expect(await verifyVerp(SECRET, { ...parts, mac: flip(parts.mac, 0) })).toBe(false);
    expect(await verifyVerp(SECRET, { ...parts, mac: parts.mac.slice(0, 15) })).toBe(false);
    expect(await verifyVerp(SECRET, { ...parts, id: flip(parts.id, 0) })).toBe(false);
    expect(await verifyVerp(SECRET, { ...parts, domain: "other.test" })).toBe(false);
    expect(await verifyVerp("another-secret", parts)).toBe(false);
  });

  it("is null for anything that is not a VERP address", () => {
    for (const a of ["bounces@veilmail.test", "b_123_456@veilmail.test", `b_${"0".repeat(32)}_${"0".repeat(16)}`, `x_${"0".repeat(32)}_${"0".repeat(16)}@a.b`, ""]) {
      expect(parseVerp(a)).toBeNull();
    }
    expect(() => verpAddress(SECRET, "not-a-uuid", "a.b")).rejects.toThrow(TypeError);
  });
});

describe("isVerpExpired", () => {
  const created = new Date("2026-03-01T12:00:00.000Z");
  const at = (ms: number) => new Date(created.getTime() + ms);

  it("is valid up to one millisecond before 7 days and expired from the 7-day mark on", () => {
    expect(VERP_VALIDITY_SECONDS).toBe(604_800);
    expect(isVerpExpired(created, at(0))).toBe(false);
    expect(isVerpExpired(created, at(VERP_VALIDITY_SECONDS * 1000 - 1))).toBe(false);
    expect(isVerpExpired(created, at(VERP_VALIDITY_SECONDS * 1000))).toBe(true);
    expect(isVerpExpired(created, at(VERP_VALIDITY_SECONDS * 1000 + 1))).toBe(true);
  });
});
