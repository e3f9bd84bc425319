/**
 * The outbox hand-off between the Worker and the bridges: claims under a lease (two bridges never get the
 * same message), acknowledgement only with the current claim token, and reclaiming after a lease ends.
 * Real Worker in workerd over MariaDB; the bridges are played by signed calls.
 */
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OutboxAckResponse, OutboxClaimResponse } from "../../common/internal-api.js";
import { mailOutbox } from "../../db/schema/index.js";
import { enqueueMail } from "../../worker/mail/outbox.js";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
beforeAll(async () => { w = await startTestWorker(); });
afterAll(async () => { await w?.close(); });
beforeEach(async () => { await w.db.delete(mailOutbox); });

const claim = (node: "mx1" | "mx2", limit = 10, leaseSeconds = 120) =>
  w.call<OutboxClaimResponse>("/internal/v1/outbox/claim", { limit, leaseSeconds }, node);
const ack = (items: { id: string; claimToken: string }[], node: "mx1" | "mx2" = "mx1") =>
  w.call<OutboxAckResponse>("/internal/v1/outbox/ack", { items }, node);

async function enqueue(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(await enqueueMail(w.db, {
      to: `user${i}@mailbox.example`, subject: `Subject ${i}`, text: `Body ${i}`, category: "verification",
    }, new Date(Date.UTC(2026, 0, 1, 0, 0, i))));
  }
  return ids;
}

describe("POST /internal/v1/outbox/claim", () => {
  it("hands out each queued message to one bridge only, oldest first, with the message's fields", async () => {
    const ids = await enqueue(3);
    const first = await claim("mx1", 2);
    expect(first.status).toBe(200);
    expect(first.body.messages.map((m) => m.id)).toEqual(ids.slice(0, 2));
    expect(first.body.messages[0]).toMatchObject({
      to: "user0@mailbox.example", subject: "Subject 0", text: "Body 0", html: null, category: "verification",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    const second = await claim("mx2", 10);
    expect(second.body.messages.map((m) => m.id)).toEqual([ids[2]]);
    expect((await claim("mx1")).body.messages).toEqual([]);
    const rows = await w.db.select().from(mailOutbox).where(inArray(mailOutbox.id, ids));
    expect(rows.map((r) => [r.id, r.status, r.claimedBy]).sort()).toEqual([
      [ids[0], "claimed", "mx1"], [ids[1], "claimed", "mx1"], [ids[2], "claimed", "mx2"],
    ].sort());
  });

  it("never gives the same message to two bridges claiming at the same moment", async () => {
    const ids = await enqueue(20);
    const answers = await Promise.all([claim("mx1", 20), claim("mx2", 20), claim("mx1", 20), claim("mx2", 20)]);
    const got = answers.flatMap((a) => a.body.messages.map((m) => m.id));
    expect(got.sort()).toEqual([...ids].sort());
  });

  it("gives a message whose lease ended to the next claimer, with a new token", async () => {
    const [id] = await enqueue(1);
    const first = (await claim("mx1")).body.messages[0]!;
    expect((await claim("mx2")).body.messages).toEqual([]);
    await w.db.update(mailOutbox).set({ claimedUntil: new Date(Date.now() - 60_000) }).where(eq(mailOutbox.id, id!));
    const second = (await claim("mx2")).body.messages[0]!;
    expect(second.id).toBe(id);
    expect(second.claimToken).not.toBe(first.claimToken);
  });

  it("refuses a bad body with 422 naming the field, and unsigned or admin callers with 401", async () => {
    const bad = await w.call<{ error: { code: string; field: string } }>("/internal/v1/outbox/claim", { limit: 0, leaseSeconds: 60 });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "VALIDATION", field: "limit" });
    expect((await w.call("/internal/v1/outbox/claim", { limit: 1, leaseSeconds: 60 }, "admin")).status).toBe(401);
    const unsigned = await fetch(`${w.url}/internal/v1/outbox/claim`, { method: "POST", body: JSON.stringify({ limit: 1, leaseSeconds: 60 }) });
    expect(unsigned.status).toBe(401);
  });
});

describe("POST /internal/v1/outbox/ack", () => {
  it("marks a claimed message spooled; a repeated ack still says acked", async () => {
    const [id] = await enqueue(1);
    const m = (await claim("mx1")).body.messages[0]!;
    expect((await ack([{ id: m.id, claimToken: m.claimToken }])).body).toEqual({ acked: [id], lost: [] });
    expect((await ack([{ id: m.id, claimToken: m.claimToken }])).body).toEqual({ acked: [id], lost: [] });
    const [row] = await w.db.select().from(mailOutbox).where(eq(mailOutbox.id, id!));
    expect(row!.status).toBe("spooled");
    expect(row!.spooledAt).not.toBeNull();
    await w.db.update(mailOutbox).set({ claimedUntil: new Date(Date.now() - 60_000) }).where(eq(mailOutbox.id, id!));
    expect((await claim("mx2")).body.messages).toEqual([]); // spooled is final: never handed out again
  });

  it("tells the first bridge its claim is lost once another bridge reclaimed the message, so only one delivers", async () => {
    const [id] = await enqueue(1);
    const stale = (await claim("mx1")).body.messages[0]!;
    await w.db.update(mailOutbox).set({ claimedUntil: new Date(Date.now() - 60_000) }).where(eq(mailOutbox.id, id!));
    const fresh = (await claim("mx2")).body.messages[0]!;
    expect((await ack([{ id: stale.id, claimToken: stale.claimToken }], "mx1")).body).toEqual({ acked: [], lost: [id] });
    expect((await ack([{ id: fresh.id, claimToken: fresh.claimToken }], "mx2")).body).toEqual({ acked: [id], lost: [] });
    expect((await ack([{ id: stale.id, claimToken: stale.claimToken }], "mx1")).body).toEqual({ acked: [], lost: [id] });
  });

  it("answers lost for an unknown id", async () => {
    const unknown = crypto.randomUUID();
    expect((await ack([{ id: unknown, claimToken: crypto.randomUUID() }])).body).toEqual({ acked: [], lost: [unknown] });
  });
});
