/**
 * The operator's CLI (`npm run admin`) as an operator runs it: a real process against the real Worker,
 * configured only by WORKER_URL and ADMIN_SECRET.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDkimKey } from "../../bridge/sign/keys.js";
import type { ResolveResponse } from "../../common/internal-api.js";
import { ROOT } from "../../scripts/stack/files.js";
import { SECRETS, type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
const dir = mkdtempSync(`${tmpdir()}/veilmail-admin-`);
beforeAll(async () => { w = await startTestWorker(); });
afterAll(async () => { await w?.close(); rmSync(dir, { recursive: true, force: true }); });

/** Runs `npm run admin -- …args`; never throws, returns the exit code and both streams. */
function admin(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", `${ROOT}/scripts/admin.ts`, ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? "", WORKER_URL: w.url, ADMIN_SECRET: SECRETS.admin, ...env },
    }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe("npm run admin", () => {
  it("sets up a domain, an account, aliases and a token, in text and in JSON", async () => {
    expect((await admin(["domain:add-shared", "cli.test"])).stdout).toContain("shared domain cli.test added");
    const user = await admin(["user:create", "olga", "--recipient", "olga@mailbox.example", "--json"]);
    expect(user.code, user.stderr).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ userId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const alias = await admin(["alias:create", "olga", "olga.cli.test", "--local-part", "news"]);
    expect(alias.stdout.trim()).toBe("news@olga.cli.test");
    const random = await admin(["alias:create", "olga", "cli.test", "--json"]);
    expect(JSON.parse(random.stdout).email).toMatch(/^[a-z0-9]{8}@cli\.test$/);

    expect((await admin(["alias:deactivate", "news@olga.cli.test"])).code).toBe(0);
    const answer = await w.call<ResolveResponse>("/internal/v1/resolve", { mailFrom: "a@b.example", rcptTo: "news@olga.cli.test", clientIp: "127.0.0.1" });
    expect(answer.body.action).toBe("discard");

    const custom = await admin(["domain:add-custom", "olga", "olga-own.example", "--verified"]);
    expect(custom.stdout).toContain("olga-own.example added to olga (verified)");
    const token = await admin(["token:create", "olga"]);
    expect(token.stdout.trim()).toMatch(/^vm[A-Za-z0-9]{46}$/);
  });

  it("prints the DKIM record of the bridge's key", async () => {
    const key = generateDkimKey();
    writeFileSync(`${dir}/dkim.pem`, key.privateKey);
    const shown = await admin(["dkim:show", "cli.test", "--json"], { DKIM_PRIVATE_KEY_FILE: `${dir}/dkim.pem`, DKIM_SELECTOR: "s1" });
    expect(JSON.parse(shown.stdout)).toEqual({ selector: "s1", domain: "cli.test", name: "s1._domainkey.cli.test", txt: key.publicKeyTxt });
  });

  it("reports errors on stderr with a non-zero exit, as JSON with --json", async () => {
    const unknownUser = await admin(["alias:create", "nobody", "cli.test"]);
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toContain("no account with username nobody");
    expect(unknownUser.stdout).toBe("");
    const missing = await admin(["alias:create", "--json"]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toMatchObject({ usage: true, error: expect.stringContaining("missing arguments") });
    const badSecret = await admin(["domain:add-shared", "x.test"], { ADMIN_SECRET: "wrong-secret-wrong-secret" });
    expect(badSecret.code).toBe(1);
    expect(badSecret.stderr).toMatch(/signature refused/);
  });
});
