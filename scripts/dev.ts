/**
 * `npm run dev`: the whole service locally (see scripts/stack/stack.ts), with the README's ports:
 * Worker http://localhost:8787 (APP_URL; its internal API at http://127.0.0.1:8787), mx1 127.0.0.1:2525,
 * mx2 127.0.0.1:2526, sink 127.0.0.1:2600 writing
 * `.data/outbox/<id>.eml` + `<id>.json`, simulator 127.0.0.1:3900. Seeds a demo account, prints what
 * to send where, restarts a bridge that dies, and stops everything it started on Ctrl-C.
 *
 * Environment: DEV_PORT_OFFSET (added to every port, to run a second copy beside the first),
 * DEV_DATABASE_NAME (default `veilmail_dev_<hash of this checkout's path>`, so two checkouts on one
 * machine never share a database).
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { devBanner } from "./stack/banner.js";
import { DATA_DIR, ROOT, STACK_FILE } from "./stack/files.js";
import { type Stack, startStack } from "./stack/stack.js";

const SHARED_DOMAIN = "veilmail.test";
const offset = Number(process.env.DEV_PORT_OFFSET ?? 0);
const dbName = process.env.DEV_DATABASE_NAME ?? `veilmail_dev_${createHash("sha1").update(ROOT).digest("hex").slice(0, 8)}`;
const say = (s: string) => process.stdout.write(`${s}\n`);

/** Restarts a bridge that exits while the stack is up (as systemd would on a VPS). */
function supervise(stack: Stack, stopping: () => boolean): void {
  for (const name of ["mx1", "mx2"] as const) {
    const watch = (): void => {
      void stack.bridges[name].exited.then(async (code) => {
        if (stopping()) return;
        say(`bridge ${name} exited (${code ?? "killed"}); restarting it on the same spool…`);
        await stack.restartBridge(name).then(
          () => { say(`bridge ${name} is back on 127.0.0.1:${stack.bridges[name].port}`); watch(); },
          (err: Error) => say(`bridge ${name} could not restart: ${err.message}`),
        );
      });
    };
    watch();
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(offset) || offset < 0 || offset > 50000) throw new Error("DEV_PORT_OFFSET must be a whole number from 0 to 50000");
  say("starting Veilmail locally…");
  const stack = await startStack({
    dataDir: DATA_DIR,
    dbName,
    dropDatabaseOnStop: false,
    ports: { worker: 8787 + offset, mx1: 2525 + offset, mx2: 2526 + offset, sink: 2600 + offset, simulator: 3900 + offset },
    sharedDomain: SHARED_DOMAIN,
    demo: { username: "demo", recipient: "demo@example.com", password: "demo-password-1" },
  });
  mkdirSync(STACK_FILE.slice(0, STACK_FILE.lastIndexOf("/")), { recursive: true });
  // It holds the admin secret: readable by this user only, and removed however the process ends.
  writeFileSync(STACK_FILE, JSON.stringify(stack.info, null, 2), { mode: 0o600 });
  chmodSync(STACK_FILE, 0o600);
  process.on("exit", () => rmSync(STACK_FILE, { force: true }));
  say(devBanner(stack.info, stack.demo!, dbName));
  let stopping = false;
  supervise(stack, () => stopping);
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say("\nstopping…");
    await stack.stop();
    process.exit(0);
  };
  // Before wrangler's own handlers, which exit the process as soon as the Worker is disposed.
  process.prependListener("SIGINT", stop);
  process.prependListener("SIGTERM", stop);
}

main().catch((err: Error) => {
  process.stderr.write(`npm run dev failed: ${err.message}\n`);
  if (/EADDRINUSE/.test(err.message)) {
    process.stderr.write("a port is taken (another `npm run dev`?): stop it, or set DEV_PORT_OFFSET=100 to use other ports\n");
  }
  process.exit(1);
});
