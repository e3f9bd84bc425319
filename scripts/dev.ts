/**
 * `npm run dev`: the whole service locally (see scripts/stack/stack.ts), with the README's ports:
 * Worker http://127.0.0.1:8787, mx1 127.0.0.1:2525, mx2 127.0.0.1:2526, sink 127.0.0.1:2600 writing
 * `.data/outbox/<id>.eml` + `<id>.json`. Seeds a demo account, prints what to send where, and stops
 * everything it started on Ctrl-C.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { DATA_DIR, STACK_FILE } from "./stack/files.js";
import { startStack } from "./stack/stack.js";

const SHARED_DOMAIN = "veilmail.test";

async function main(): Promise<void> {
  process.stdout.write("starting Veilmail locally…\n");
  const stack = await startStack({
    dataDir: DATA_DIR,
    dbName: process.env.DEV_DATABASE_NAME ?? "veilmail_dev",
    dropDatabaseOnStop: false,
    ports: { worker: 8787, mx1: 2525, mx2: 2526, sink: 2600, simulator: 3900 },
    sharedDomain: SHARED_DOMAIN,
    demo: { username: "demo", recipient: "demo@example.com", password: "demo-password-1" },
  });
  mkdirSync(STACK_FILE.slice(0, STACK_FILE.lastIndexOf("/")), { recursive: true });
  writeFileSync(STACK_FILE, JSON.stringify(stack.info, null, 2));
  const demo = stack.demo!;
  process.stdout.write(`
Veilmail is running.
  Worker (dashboard, API, internal API)  ${stack.info.workerUrl}
  MX bridges                             mx1 127.0.0.1:${stack.info.mx[0]!.port} (primary), mx2 127.0.0.1:${stack.info.mx[1]!.port} (backup)
  Development sink                       127.0.0.1:${stack.info.sinkPort} → ${stack.info.outboxDir}/<id>.eml
  Demo account                           ${demo.username} (recipient ${demo.recipient}, password ${demo.password})

Send a first message (any local part works: the username's catch-all creates the alias):
  swaks --server 127.0.0.1:2525 --from alice@sender.example --to ${demo.sampleAlias} --header "Subject: hello"

Then look in ${stack.info.outboxDir}/ for the forwarded, DKIM-signed message.
Operator commands: npm run admin -- help     Stop: Ctrl-C
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("\nstopping…\n");
    await stack.stop();
    rmSync(STACK_FILE, { force: true });
    process.exit(0);
  };
  // Before wrangler's own handlers, which exit the process as soon as the Worker is disposed.
  process.prependListener("SIGINT", stop);
  process.prependListener("SIGTERM", stop);
}

main().catch((err: Error) => {
  process.stderr.write(`npm run dev failed: ${err.message}\n`);
  process.exit(1);
});
