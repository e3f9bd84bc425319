/**
 * Who holds a domain name (security review, finding 4): an unverified custom domain is a claim that
 * blocks nobody, the first account to verify a name gets it, pending claims expire after 72 hours; and
 * what counts as "ours" (finding 1). Services straight against MariaDB behind the PlanetScale simulator.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliases, domains } from "../../db/schema/index.js";
import { CLAIM_TTL_HOURS, expirePendingClaims, settleClaim } from "../../worker/accounts/domain-claims.js";
import { addCustomDomain, addSharedDomain } from "../../worker/accounts/domains.js";
import { servedDomainsAmong } from "../../worker/accounts/served-domains.js";
import { createUser } from "../../worker/accounts/users.js";
import { nowSeconds } from "../../worker/db-errors.js";
import { ApiError } from "../../worker/errors.js";
import { type TestDatabase, createTestDatabase } from "../helpers/database.js";

let t: TestDatabase;
let owner: string;
let squatter: string;
let other: string;
const now = nowSeconds();
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
const failure = async (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (e instanceof ApiError ? `${e.code} ${e.message}` : String(e)));
const row = async (id: string) => (await t.db.select().from(domains).where(eq(domains.id, id)))[0];

beforeAll(async () => {
  t = await createTestDatabase();
  await addSharedDomain(t.db, { domain: "share.test", paidOnly: false }, now);
  owner = (await createUser(t.db, { username: "owner", recipientEmail: "o@mailbox.example", verified: true }, now)).userId;
  squatter = (await createUser(t.db, { username: "squatter", recipientEmail: "s@mailbox.example", verified: true }, now)).userId;
  other = (await createUser(t.db, { username: "other", recipientEmail: "x@mailbox.example", verified: true }, now)).userId;
});
afterAll(async () => { await t?.close(); });

describe("claims", () => {
  it("an unverified claim blocks nobody; the first to verify gets the name and the other claims go", async () => {
    const squat = await addCustomDomain(t.db, { userId: squatter, domain: "owned.example", verified: false }, now);
    expect(await failure(addCustomDomain(t.db, { userId: squatter, domain: "Owned.Example", verified: false }, now))).toBe("CONFLICT You have already added owned.example.");
    const real = await addCustomDomain(t.db, { userId: owner, domain: "owned.example", verified: false }, now);
    const third = await addCustomDomain(t.db, { userId: other, domain: "owned.example", verified: false }, now);
    expect((await row(real.id))!.verificationToken).not.toBe((await row(squat.id))!.verificationToken);

    expect(await settleClaim(t.db, owner, real.id, now)).toBe("verified");
    expect(await row(real.id)).toMatchObject({ userId: owner, claimedBy: "" });
    expect((await row(real.id))!.verifiedAt).not.toBeNull();
    expect(await row(squat.id)).toBeUndefined();
    expect(await row(third.id)).toBeUndefined();
    expect(await failure(addCustomDomain(t.db, { userId: squatter, domain: "owned.example", verified: false }, now))).toBe("CONFLICT The domain owned.example is already in use.");
    expect(await settleClaim(t.db, owner, real.id, now)).toBe("verified");
  });

  it("of two verifying at once only one wins (the unique index decides); the other is told it is taken", async () => {
    const a = await addCustomDomain(t.db, { userId: owner, domain: "race.example", verified: false }, now);
    const b = await addCustomDomain(t.db, { userId: other, domain: "race.example", verified: false }, now);
    // As if A's verification committed while B's check was running: A holds the name, B's row is still there.
    await t.db.update(domains).set({ verifiedAt: now, claimedBy: "" }).where(eq(domains.id, a.id));
    expect(await settleClaim(t.db, other, b.id, now)).toBe("taken");
    expect((await row(b.id))!.verifiedAt).toBeNull();
    const outcomes = await Promise.all([
      addCustomDomain(t.db, { userId: owner, domain: "race2.example", verified: false }, now),
      addCustomDomain(t.db, { userId: other, domain: "race2.example", verified: false }, now),
    ]).then(([x, y]) => Promise.all([settleClaim(t.db, owner, x.id, now), settleClaim(t.db, other, y.id, now)]));
    expect(outcomes.sort()).toEqual(["taken", "verified"]);
    expect(await t.db.select().from(domains).where(eq(domains.domain, "race2.example"))).toHaveLength(1);
  });

  it("a shared or operator-verified domain holds its name; a pending claim does not stop the operator", async () => {
    const pending = await addCustomDomain(t.db, { userId: squatter, domain: "later-shared.example", verified: false }, now);
    await addSharedDomain(t.db, { domain: "later-shared.example", paidOnly: false }, now);
    expect(await row(pending.id)).toBeUndefined();
    expect(await failure(addCustomDomain(t.db, { userId: owner, domain: "later-shared.example", verified: true }, now))).toMatch(/^CONFLICT/);
    expect(await failure(addSharedDomain(t.db, { domain: "owned.example", paidOnly: false }, now))).toMatch(/^CONFLICT/);
  });

  it(`expire ${CLAIM_TTL_HOURS} hours after they were made; verified domains stay`, async () => {
    const old = await addCustomDomain(t.db, { userId: squatter, domain: "parked.example", verified: false }, hoursAgo(CLAIM_TTL_HOURS + 1));
    const young = await addCustomDomain(t.db, { userId: squatter, domain: "fresh.example", verified: false }, hoursAgo(CLAIM_TTL_HOURS - 1));
    const kept = await addCustomDomain(t.db, { userId: owner, domain: "old-verified.example", verified: true }, hoursAgo(1000));
    // An alias on a claim should not exist; if one does, it goes with it.
    await t.db.insert(aliases).values({ id: crypto.randomUUID(), userId: squatter, domainId: old.id, localPart: "x", domain: "parked.example", email: "x@parked.example", createdAt: now, updatedAt: now });
    expect(await expirePendingClaims(t.db, now)).toBeGreaterThanOrEqual(1);
    expect(await row(old.id)).toBeUndefined();
    expect(await t.db.select().from(aliases).where(eq(aliases.domainId, old.id))).toEqual([]);
    expect(await row(young.id)).toBeDefined();
    expect(await row(kept.id)).toBeDefined();
    expect(await expirePendingClaims(t.db, now)).toBe(0);
  });
});

describe("our domains", () => {
  it("are shared domains and their subdomains, and verified active custom domains; never a claim", async () => {
    await addCustomDomain(t.db, { userId: squatter, domain: "claimed-only.example", verified: false }, now);
    const off = await addCustomDomain(t.db, { userId: owner, domain: "switched-off.example", verified: true }, now);
    await t.db.update(domains).set({ active: false }).where(eq(domains.id, off.id));
    const names = ["share.test", "jane.share.test", "a.b.share.test", "owned.example", "claimed-only.example", "switched-off.example",
      "sub.owned.example", "notshare.test", "example.org"];
    expect([...await servedDomainsAmong(t.db, names)].sort()).toEqual(["a.b.share.test", "jane.share.test", "owned.example", "share.test"]);
  });
});
