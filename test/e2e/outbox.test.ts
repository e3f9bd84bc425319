/**
 * Worker-originated mail over the whole local stack: a message queued with `enqueueMail` (as the
 * dashboard does for verification and password-reset mail) is claimed by one of the two polling
 * bridges, spooled, signed for the no-reply domain and delivered to the dev sink exactly once. Only DNS
 * is faked (the DKIM key record, from the stack's key file), because public DNS is outside this machine.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { inArray } from "drizzle-orm";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dkimTxtRecord } from "../../bridge/sign/keys.js";
import { createDb } from "../../db/client.js";
import { mailOutbox } from "../../db/schema/index.js";
import type { Stack } from "../../scripts/stack/stack.js";
import { enqueueMail } from "../../worker/mail/outbox.js";
import { readOutbox, startTestStack, waitForOutbox, withMarker } from "../helpers/stack.js";

let stack: Stack & { dataDir: string };
beforeAll(async () => { stack = await startTestStack(); }, 180_000);
afterAll(async () => { await stack?.stop(); });

describe("mail queued by the Worker", () => {
  it("arrives in the sink exactly once per message with both bridges polling, DKIM-signed for the no-reply domain", async () => {
    const db = createDb(stack.databaseUrl);
    const marker = `outbox-${randomBytes(5).toString("hex")}`;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(await enqueueMail(db, {
        to: `person${i}@example.com`, subject: `Verify your address ${marker} #${i}`,
        text: `Open this link: http://127.0.0.1/verify/${i}`, html: `<p><a href="http://127.0.0.1/verify/${i}">Verify</a></p>`,
        category: "verification",
      }, new Date()));
    }
    const all = await waitForOutbox(stack.info.outboxDir, (m) => withMarker(m, marker).length >= 6);
    // Both bridges keep polling: give them several more rounds to (wrongly) deliver a second copy.
    await new Promise((r) => setTimeout(r, 2000));
    const msgs = withMarker(readOutbox(stack.info.outboxDir), marker);
    expect(msgs).toHaveLength(6);
    expect(withMarker(all, marker)).toHaveLength(6);
    expect(msgs.map((m) => m.envelope.rcptTo[0]).sort()).toEqual(ids.map((_, i) => `person${i}@example.com`));

    const txt = dkimTxtRecord(readFileSync(stack.info.dkimKeyFile, "utf8"));
    const resolver = async (name: string, type: string) => {
      if (type === "TXT" && name === "veilmail._domainkey.veilmail.test") return [[txt]];
      throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    };
    for (const msg of msgs) {
      const parsed = await PostalMime.parse(msg.raw);
      expect(parsed.from).toMatchObject({ name: "Veilmail", address: "no-reply@veilmail.test" });
      expect(parsed.headers.find((h) => h.key === "auto-submitted")?.value).toBe("auto-generated");
      expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@veilmail\.test>$/);
      expect(ids).toContain(parsed.messageId!.slice(1, 37));
      expect(parsed.html).toContain("Verify");
      const { results } = await dkimVerify(msg.raw, { resolver });
      expect(results.map((r) => [r.status.result, r.signingDomain])).toEqual([["pass", "veilmail.test"]]);
    }
    const rows = await db.select({ status: mailOutbox.status }).from(mailOutbox).where(inArray(mailOutbox.id, ids));
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => "spooled"));
  });
});
