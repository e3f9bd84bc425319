/**
 * Recovery of a bridge restarted on the same spool directory (in-process; the SIGKILL variant with a
 * real child process is in ./crash.test.ts). The Worker is replaced by a fake directory and reporter
 * (see ./support.ts); the destination is a real SMTP sink.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bridge/log.js";
import { type RunningBridge, startBridge } from "../../bridge/main.js";
import { newSpoolId } from "../../bridge/spool/file-spool.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { sendMail } from "../helpers/smtp.js";
import {
  answers, DKIM_KEY, fakeDirectory, fakeReporter, forwardPlan, message, sinkAt, sinkMessages, spoolFiles,
  tempDir, testConfig, waitFor,
} from "./support.js";

const ALIAS = "shop@alias.test";
const signer = createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey });

let spool: Awaited<ReturnType<typeof tempDir>>;
let outbox: Awaited<ReturnType<typeof tempDir>>;
let sink: Awaited<ReturnType<typeof sinkAt>>;
let bridge: RunningBridge | undefined;
let reporter: ReturnType<typeof fakeReporter>;

const start = (runQueue: boolean) => startBridge(testConfig(spool.dir, { RELAY_URL: `smtp://127.0.0.1:${sink.port}` }), {
  directory: fakeDirectory({ [ALIAS]: answers.forward(forwardPlan(ALIAS, ["jane@real.test", "joe@real.test"])) }),
  reporter, signer, runQueue, log: createLogger("silent", "mx1"),
});

beforeEach(async () => {
  spool = await tempDir("recover-spool");
  outbox = await tempDir("recover-outbox");
  sink = await sinkAt(outbox.dir);
  reporter = fakeReporter();
});
afterEach(async () => {
  await bridge?.stop();
  bridge = undefined;
  await sink.close();
  await spool.cleanup();
  await outbox.cleanup();
});

describe("recovery", () => {
  it("delivers what an earlier process accepted but never sent, exactly once per recipient", async () => {
    bridge = await start(false); // accepts and spools; dies before its queue ever runs
    const r = await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data: message("alice@sender.test", ALIAS) });
    expect(r.data!.code).toBe(250);
    await bridge.stop();
    expect(await spoolFiles(spool.dir, "state")).toHaveLength(1);
    expect(await spoolFiles(spool.dir, "messages")).toHaveLength(1);

    bridge = await start(true);
    await waitFor("both deliveries", async () => (await sinkMessages(outbox.dir)).length === 2);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    await new Promise((r) => setTimeout(r, 250));
    expect((await sinkMessages(outbox.dir)).map((m) => m.rcptTo[0]).sort()).toEqual(["jane@real.test", "joe@real.test"]);
    expect(reporter.events.map((e) => e.kind)).toEqual(["forwarded"]);
  });

  it("does not send again to a recipient the state already marks delivered", async () => {
    bridge = await start(false);
    await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data: message("alice@sender.test", ALIAS) });
    await bridge.stop();
    // As if the first process had delivered to jane, persisted that, and crashed before joe.
    const [name] = await spoolFiles(spool.dir, "state");
    const file = path.join(spool.dir, "state", name!);
    const state = JSON.parse(await readFile(file, "utf8"));
    state.deliveries[0].status = "delivered";
    state.deliveries[0].attempts = 1;
    await writeFile(file, JSON.stringify(state));

    bridge = await start(true);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    expect((await sinkMessages(outbox.dir)).map((m) => m.rcptTo)).toEqual([["joe@real.test"]]);
    // jane was the first delivered recipient, so no second `forwarded` is counted for joe.
    expect(reporter.events.map((e) => e.kind)).toEqual([]);
  });

  it("moves a corrupt state file to corrupt/ at start and goes on with the rest", async () => {
    bridge = await start(false);
    await sendMail(bridge.port, { from: "alice@sender.test", to: [ALIAS], data: message("alice@sender.test", ALIAS) });
    await bridge.stop();
    const badId = newSpoolId();
    await writeFile(path.join(spool.dir, "state", `${badId}.json`), "\u0000\u0001 not json");
    await writeFile(path.join(spool.dir, "messages", `${badId}.eml`), "Subject: x\r\n\r\ny\r\n");

    bridge = await start(true);
    await waitFor("both deliveries", async () => (await sinkMessages(outbox.dir)).length === 2);
    await waitFor("the spool to empty", async () => (await spoolFiles(spool.dir, "state")).length === 0);
    expect(await spoolFiles(spool.dir, "corrupt")).toEqual([`${badId}.eml`, `${badId}.json`]);
  });
});
