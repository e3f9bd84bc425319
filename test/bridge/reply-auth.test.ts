/**
 * Who may reply (bridge/auth/): the sender rule, the authentication rule as a table, and mailauth's real
 * SPF/DKIM/DMARC checks against a static DNS zone (public DNS is outside this machine): DMARC pass, DMARC
 * fail, no DMARC record with aligned DKIM or SPF, unaligned DKIM.
 */
import { describe, expect, it } from "vitest";
import type { ReplyPlan } from "../../common/internal-api.js";
import { type AuthSummary, createAuthenticator } from "../../bridge/auth/authenticate.js";
import { checkSenders, judgeAuthentication } from "../../bridge/auth/reply-policy.js";
import { mailauthResolver, staticResolver } from "../../bridge/dns/resolver.js";
import { createDkimSigner } from "../../bridge/sign/dkim.js";
import { dkimTxtRecord } from "../../bridge/sign/keys.js";
import { onBuffers } from "../helpers/message-parts.js";
import { DKIM_KEY } from "./support.js";

const plan = { allowedSenders: ["jo@mailbox.test"] } as ReplyPlan;
const summary = (over: Partial<AuthSummary>): AuthSummary => ({ fromDomain: "mailbox.test", dmarc: "none", spf: { result: "none", domain: null }, dkim: [], ...over });

describe("checkSenders", () => {
  it("wants one From and the envelope sender, both allowed (case-insensitive)", () => {
    expect(checkSenders(plan, "JO@mailbox.test", [{ name: "", address: "jo@MAILBOX.test" }])).toEqual({ ok: true });
    expect(checkSenders(plan, "other@mailbox.test", [{ name: "", address: "jo@mailbox.test" }])).toMatchObject({ ok: false, reason: "sender-not-allowed" });
    expect(checkSenders(plan, "jo@mailbox.test", [{ name: "", address: "other@mailbox.test" }])).toMatchObject({ ok: false, reason: "sender-not-allowed" });
    expect(checkSenders(plan, "jo@mailbox.test", [])).toMatchObject({ ok: false, reason: "sender-not-allowed" });
    expect(checkSenders(plan, "jo@mailbox.test", [{ name: "", address: "jo@mailbox.test" }, { name: "", address: "x@y.test" }])).toMatchObject({ ok: false });
  });
});

describe("judgeAuthentication", () => {
  it.each([
    ["DMARC pass", summary({ dmarc: "pass" }), "ok"],
    ["DMARC fail", summary({ dmarc: "fail", spf: { result: "pass", domain: "mailbox.test" } }), "refused"],
    ["DMARC permerror", summary({ dmarc: "permerror" }), "refused"],
    ["DMARC temperror", summary({ dmarc: "temperror" }), "temporary"],
    ["SPF temperror", summary({ spf: { result: "temperror", domain: "mailbox.test" } }), "temporary"],
    ["no DMARC, aligned SPF pass (subdomain)", summary({ spf: { result: "pass", domain: "bounce.mailbox.test" } }), "ok"],
    ["no DMARC, unaligned SPF pass", summary({ spf: { result: "pass", domain: "other.test" } }), "refused"],
    ["no DMARC, SPF softfail", summary({ spf: { result: "softfail", domain: "mailbox.test" } }), "refused"],
    ["no DMARC, aligned DKIM pass", summary({ dkim: [{ result: "pass", domain: "mailbox.test" }] }), "ok"],
    ["no DMARC, aligned DKIM fail", summary({ dkim: [{ result: "fail", domain: "mailbox.test" }] }), "refused"],
    ["no DMARC, unaligned DKIM pass", summary({ dkim: [{ result: "pass", domain: "esp.test" }] }), "refused"],
    ["no single From domain", summary({ fromDomain: null, dmarc: "pass" }), "refused"],
  ] as const)("%s → %s", (_name, auth, expected) => {
    const v = judgeAuthentication(auth);
    expect(v.ok ? "ok" : v.temporary ? "temporary" : "refused").toBe(expected);
  });
});

describe("createAuthenticator with mailauth", () => {
  const resolver = mailauthResolver(staticResolver({ txt: {
    "dmarc.test": ["v=spf1 ip4:127.0.0.1 -all"], "_dmarc.dmarc.test": ["v=DMARC1; p=reject"],
    "plain.test": ["v=spf1 -all"], "s1._domainkey.plain.test": [dkimTxtRecord(DKIM_KEY.privateKey)],
    "s1._domainkey.esp.test": [dkimTxtRecord(DKIM_KEY.privateKey)],
  } }));
  const auth = createAuthenticator(resolver, "mx1.test");
  const message = (from: string) => Buffer.from(`From: <${from}>\r\nTo: <a+b=c.test@alias.test>\r\nSubject: Re\r\nMessage-ID: <1@x>\r\n\r\nHi\r\n`);
  const session = (mailFrom: string, clientIp = "127.0.0.1") => ({ clientIp, helo: "client.test", mailFrom });

  it("DMARC pass through aligned SPF from the allowed address; fail from another", async () => {
    const pass = await auth(message("jo@dmarc.test"), session("jo@dmarc.test", "::ffff:127.0.0.1"));
    expect(pass).toMatchObject({ fromDomain: "dmarc.test", dmarc: "pass", spf: { result: "pass", domain: "dmarc.test" } });
    expect(judgeAuthentication(pass).ok).toBe(true);
    const fail = await auth(message("jo@dmarc.test"), session("jo@dmarc.test", "192.0.2.9"));
    expect(fail).toMatchObject({ dmarc: "fail", spf: { result: "fail" } });
    expect(judgeAuthentication(fail)).toMatchObject({ ok: false, reason: "unauthenticated" });
  });

  it("no DMARC record: an aligned DKIM signature passes even when SPF fails; an unaligned one does not", async () => {
    const sign = onBuffers(createDkimSigner({ selector: "s1", privateKey: DKIM_KEY.privateKey }));
    const aligned = await auth(await sign(message("jo@plain.test"), "plain.test"), session("jo@plain.test"));
    expect(aligned).toMatchObject({ dmarc: "none", spf: { result: "fail" }, dkim: [{ result: "pass", domain: "plain.test" }] });
    expect(judgeAuthentication(aligned).ok).toBe(true);
    const unaligned = await auth(await sign(message("jo@plain.test"), "esp.test"), session("jo@plain.test"));
    expect(unaligned.dkim).toEqual([{ result: "pass", domain: "esp.test" }]);
    expect(judgeAuthentication(unaligned)).toMatchObject({ ok: false, reason: "unauthenticated" });
  });
});
