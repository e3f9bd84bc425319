/**
 * The internal API contract refuses plans the bridge could not carry out, so a Worker bug answers 451
 * (the sender retries) instead of a 250 for mail the forward rewrite would then fail on.
 */
import { describe, expect, it } from "vitest";
import { ResolveResponse } from "../../common/internal-api.js";

const forward = (aliasEmail: string) => ({
  action: "forward",
  reply: { code: 250, enhanced: "2.1.5", message: "Recipient OK" },
  plan: {
    aliasId: "a", aliasEmail, userId: "u", recipients: [{ id: "r", email: "me@mailbox.example" }], signingDomain: "share.test",
    display: { fromFormat: 0, bannerLocation: "top", useReplyTo: false, aliasDescription: null },
  },
});

describe("ForwardPlan.aliasEmail", () => {
  it("accepts plain lower-case alias addresses", () => {
    for (const a of ["shop@jane.share.test", "a.b_c-d@share.test", "0f3c2a1e-uuid-like@custom.example"]) {
      expect(ResolveResponse.safeParse(forward(a)).success, a).toBe(true);
    }
  });

  it("refuses sub-addresses, reverse-alias forms, quoted or upper-case local parts", () => {
    for (const a of ["zzz+tag@jane.share.test", "shop+bob=example.org@share.test", '"q s"@share.test', "Shop@share.test", "no-at-sign"]) {
      expect(ResolveResponse.safeParse(forward(a)).success, a).toBe(false);
    }
  });
});
