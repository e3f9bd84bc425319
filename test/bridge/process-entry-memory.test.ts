/**
 * An entry whose sends are over and that only waits for the Worker to acknowledge its events (the queue
 * runner lets up to concurrency x 16 of them wait) holds none of its message's bytes: with 64 entries
 * delivering and 25 MiB messages, retained buffers would add up to gigabytes. Real spool and DKIM signer;
 * the transport only answers "delivered" (what it does with the bytes is not the subject here, and it
 * must keep no reference to them), and the reporter is held open.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import type { Envelope, Spool, Target, Transport } from "../../bridge/mail/types.js";
import { initialState } from "../../bridge/pipeline/initial-state.js";
import { processEntry } from "../../bridge/pipeline/process-entry.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { createFileSpool } from "../../bridge/spool/file-spool.js";
import { DKIM_KEY, forwardPlan, message, tempDir } from "./support.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => { tmp = await tempDir("process-entry-memory"); });
afterEach(() => tmp.cleanup());

it("drops the message (read bytes and what was made of them) before it waits for its report", async () => {
  // memoryBytes 0: the message is read from disk into a buffer only processEntry holds.
  const files = createFileSpool({ dir: tmp.dir, log: createLogger("silent", "mx1"), initialState, memoryBytes: 0 });
  await files.recover();
  const envelope: Envelope = {
    mailFrom: "alice@sender.test", clientIp: "127.0.0.1", heloName: "client.test", receivedAt: new Date().toISOString(), receivedBy: "mx1",
  };
  const targets: Target[] = [{ kind: "forward", rcptTo: "shop@alias.test", plan: forwardPlan("shop@alias.test", ["jane@real.test"]) }];
  await files.put(envelope, targets, Buffer.from(message("alice@sender.test", "shop@alias.test", "big", `${"y".repeat(76)}\r\n`.repeat(28_000))));
  const [state] = await files.due(new Date());

  let read: WeakRef<Buffer> | undefined;
  const spool: Spool = {
    ...files,
    readMessage: async (id) => {
      const bytes = await files.readMessage(id);
      read = new WeakRef(bytes);
      return bytes;
    },
  };
  const transport: Transport = { send: async () => ({ status: "delivered", reply: "250 2.0.0 ok" }) };
  let openReport!: () => void;
  const reportHeld = new Promise<void>((resolve) => { openReport = resolve; });
  let released!: () => void;
  const sendsOver = new Promise<void>((resolve) => { released = resolve; });

  const done = processEntry(state!, {
    spool, transport, reporter: { report: () => reportHeld }, signer: createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey }),
    outbox: { ack: async () => ({ acked: [], lost: [] }) }, schedule: { delays: [60_000], maxAgeMs: 86_400_000, reportRetryMs: 30_000 },
    log: createLogger("silent", "mx1"),
  }, undefined, released);

  await sendsOver;
  expect(read).toBeDefined();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  expect(read!.deref(), "the message's bytes are still reachable while the report waits").toBeUndefined();
  openReport();
  await done;
});
