/**
 * `npm run dev`'s banner (scripts/stack/banner.ts) names the running stack's own addresses: with
 * DEV_PORT_OFFSET every example must use the shifted ports (a review found the reply example hard-wired
 * to 127.0.0.1:2525), and the dashboard's address is APP_URL on a host name, where passkeys work
 * (WebAuthn refuses IP addresses as relying-party ids).
 */
import { describe, expect, it } from "vitest";
import { devBanner } from "../../scripts/stack/banner.js";
import type { StackInfo } from "../../scripts/stack/files.js";
import { devAppUrl } from "../../scripts/stack/stack.js";
import { relyingParty } from "../../worker/accounts/passkeys.js";

const offset = 1000;
const info: StackInfo = {
  workerUrl: `http://127.0.0.1:${8787 + offset}`, appUrl: devAppUrl(8787 + offset), adminSecret: "s", dkimSelector: "veilmail", dkimKeyFile: "/k",
  sharedDomain: "veilmail.test", mx: [{ name: "mx1", host: "127.0.0.1", port: 2525 + offset }, { name: "mx2", host: "127.0.0.1", port: 2526 + offset }],
  sinkPort: 2600 + offset, outboxDir: "/data/outbox",
};
const demo = { username: "demo", recipient: "demo@example.com", password: "pw", sharedDomain: "veilmail.test", paidDomain: "veilmail-plus.test", plan: "pro", sampleAlias: "hello@demo.veilmail.test" };

describe("the dev banner", () => {
  const text = devBanner(info, demo, "veilmail_dev_x");

  it("sends every swaks example to the running mx1, offset included, and names no default port", () => {
    const servers = [...text.matchAll(/--server (\S+)/g)].map((m) => m[1]);
    expect(servers).toEqual([`127.0.0.1:${2525 + offset}`, `127.0.0.1:${2525 + offset}`]);
    for (const port of [8787, 2525, 2526, 2600]) expect(text).not.toMatch(new RegExp(`:${port}\\b`));
    expect(text).toContain(`mx2 127.0.0.1:${2526 + offset}`);
    expect(text).toContain(`127.0.0.1:${2600 + offset}`);
  });

  it("gives the dashboard at APP_URL on localhost, which passkeys accept as relying party", () => {
    expect(text).toMatch(new RegExp(`Dashboard and REST API\\s+http://localhost:${8787 + offset}\\n`));
    const rp = relyingParty(info.appUrl, "Veilmail");
    expect(rp).toEqual({ id: "localhost", origin: `http://localhost:${8787 + offset}`, name: "Veilmail" });
  });
});
