/**
 * Seeds the local stack with a shared domain and a demo account, through the admin API like an
 * operator would. Idempotent: what exists already is left alone.
 */
import { type AdminTarget, adminCall } from "../admin/target.js";

export interface DemoAccount {
  username: string;
  recipient: string;
  password: string;
  sharedDomain: string;
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

/** Creates the shared domain and the demo user when missing. */
export async function seedDemo(target: AdminTarget, demo: Omit<DemoAccount, "sampleAlias">): Promise<DemoAccount> {
  await tolerateConflict(adminCall(target, "shared-domains", { domain: demo.sharedDomain, paidOnly: false }));
  await tolerateConflict(adminCall(target, "users", { username: demo.username, recipient: demo.recipient, password: demo.password }));
  return { ...demo, sampleAlias: `hello@${demo.username}.${demo.sharedDomain}` };
}
