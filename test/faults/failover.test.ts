/**
 * mx1 down entirely, with a real sending MTA: a private Postfix instance (./support/postfix.ts) relays to
 * the primary MX and falls back to the backup, as any sender does with MX 10 / MX 20. With mx1 killed, all
 * mail must reach the recipient through mx2, once; with mx1 back, Postfix uses it again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/stack/stack.js";
import { waitForSmtp } from "../../scripts/stack/bridge-process.js";
import { readOutbox, swaks, withMarker } from "../helpers/stack.js";
import { type FaultStack, startFaultStack } from "./support/fault-stack.js";
import { markers, recordRow, settle } from "./support/ledger.js";
import { postfixUnavailable, type PrivatePostfix, startPostfix } from "./support/postfix.js";

let f: FaultStack;
let postfix: PrivatePostfix | undefined;
const pfDir = mkdtempSync(path.join(tmpdir(), "veilmail-postfix-"));

beforeAll(async () => {
  const why = postfixUnavailable();
  if (why) throw new Error(`the failover scenario needs a real Postfix: ${why}`);
  f = await startFaultStack();
  postfix = await startPostfix(pfDir, await freePort(), { primary: f.mx[0]!, backup: f.mx[1]! });
  await waitForSmtp(postfix.port);
}, 240_000);
afterAll(async () => {
  await postfix?.stop();
  await f?.stop();
  rmSync(pfDir, { recursive: true, force: true });
});

const viaPostfix = async (to: string, marker: string) => {
  const r = await swaks(["--server", `127.0.0.1:${postfix!.port}`, "--from", "alice@sender.example", "--to", to, "--header", `Subject: ${marker}`, "--body", "Relayed by Postfix."]);
  expect(r.code, r.transcript).toBe(0);
};
const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/** For each marker, the bridge named by the first (our) Received field of its delivered copy (`by mx2.<shared domain>` → `mx2`). */
const takenBy = (sent: string[]) => sent.map((m) => {
  const copies = withMarker(readOutbox(f.outboxDir), m);
  expect(copies, m).toHaveLength(1);
  return /^Received: [^\r\n]*\r?\n\s+by ([a-z0-9-]+)\./m.exec(copies[0]!.raw.toString("latin1"))?.[1];
});

describe("the primary MX down entirely", () => {
  it("a real Postfix fails over to mx2: every message delivered once; with mx1 back it is used again", async () => {
    const to = `failover@${f.domain}`;
    const down = markers("failover", 10);
    await f.stack.bridges.mx1.kill();
    for (const m of down) await viaPostfix(to, m);
    const row = await settle("mx1 down: real Postfix fails over to mx2", down, f.outboxDir, f.spoolDirs());
    await until("Postfix's queue to empty", async () => (await postfix!.queued()).length === 0);
    // Which MX took each message: our own Received field names the bridge (bridge/transform/trace.ts).
    // (Postfix's log says it too, but postlogd drops records when busy, so it only backs up the refusal.)
    expect(takenBy(down)).toEqual(Array(10).fill("mx2"));
    expect(await postfix!.log()).toContain(`connect to 127.0.0.1[127.0.0.1]:${f.mx[0]}: Connection refused`);

    await f.stack.restartBridge("mx1");
    const back = markers("failback", 3);
    for (const m of back) await viaPostfix(to, m);
    const row2 = await settle("", back, f.outboxDir, f.spoolDirs());
    expect(row2).toMatchObject({ delivered: 3, duplicated: 0 });
    expect(takenBy(back)).toEqual(Array(3).fill("mx1"));

    const all = { ...row, sent: row.sent + row2.sent, delivered: row.delivered + row2.delivered, queued: row.queued + row2.queued, lost: row.lost + row2.lost, duplicated: row.duplicated + row2.duplicated };
    recordRow(5, all);
    expect(all).toMatchObject({ sent: 13, delivered: 13, lost: 0, duplicated: 0 });
  });
});
