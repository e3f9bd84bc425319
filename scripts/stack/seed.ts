/**
 * Seeds the local stack with a shared domain, a shared domain for paid plans only, and a demo account
 * on the `pro` plan (so a walkthrough is never capped by the free plan's limits), through the admin API
 * like an operator would. Idempotent: what exists already is left alone.
 */
import { type AdminTarget, adminCall } from "../admin/target.js";

export interface DemoAccount {
  username: string;
  recipient: string;
  password: string;
  sharedDomain: string;
  /**
   * A shared domain for paid plans only (`<first label>-plus.<rest>`, e.g. `veilmail-plus.test`): the
   * demo account uses it as `x@veilmail-plus.test` aliases and as `x@demo.veilmail-plus.test`.
   */
  paidDomain: string;
  /** The demo account's plan (`pro`). */
  plan: string;
  /** An alias that exists from the start: `<username>` catch-all makes any `x@<username>.<shared>` work too. */
  sampleAlias: string;
}

async function tolerateConflict<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (err) {
    if (/already/.test((err as Error).message)) return null;
    throw err;
  }
}

/** The dev stack's paid-only shared domain for `sharedDomain`: `veilmail.test` → `veilmail-plus.test`. */
export const paidDomainFor = (sharedDomain: string): string => sharedDomain.replace(/^([^.]+)/, "$1-plus");

/** Creates the shared domains and the demo user (on `pro`) when missing. */
export async function seedDemo(target: AdminTarget, demo: Omit<DemoAccount, "sampleAlias" | "paidDomain" | "plan">): Promise<DemoAccount> {
  const paidDomain = paidDomainFor(demo.sharedDomain);
  const plan = "pro";
  await tolerateConflict(adminCall(target, "shared-domains", { domain: demo.sharedDomain, paidOnly: false }));
  await tolerateConflict(adminCall(target, "shared-domains", { domain: paidDomain, paidOnly: true }));
  await tolerateConflict(adminCall(target, "users", { username: demo.username, recipient: demo.recipient, password: demo.password, plan }));
  // A database from before plans existed holds the demo account on `free`: move it (idempotent).
  await adminCall(target, "users/plan", { username: demo.username, plan });
  return { ...demo, paidDomain, plan, sampleAlias: `hello@${demo.username}.${demo.sharedDomain}` };
}
