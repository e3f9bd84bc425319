/**
 * The dev stack's DNS (bridge/dns/resolver.ts static zone, `DNS_ZONE_FILE`): the shipped
 * `dev-zone.json` (the demo recipient's domain `example.com` publishes SPF for 127.0.0.1 and a DMARC
 * record, so a reply sent with swaks from this machine authenticates like one from the user's real
 * provider), plus the DKIM key record of the stack's own key for the shared domain. Nothing leaves the
 * machine.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dkimTxtRecord } from "../../bridge/sign/keys.js";
import type { StaticZone } from "../../bridge/dns/resolver.js";

/** The zone shipped with the dev stack. */
export const DEV_ZONE_FILE = new URL("./dev-zone.json", import.meta.url).pathname;

/**
 * Writes the dev zone with our DKIM record added to `file`.
 * @param extra more records (tests add the domains their scenarios need)
 * @returns `file`
 */
export function writeDevZone(file: string, opts: { sharedDomain: string; selector: string; dkimKeyFile: string; extra?: StaticZone }): string {
  const zone = JSON.parse(readFileSync(DEV_ZONE_FILE, "utf8")) as Required<Pick<StaticZone, "txt">> & StaticZone;
  const txt: Record<string, string[]> = { ...zone.txt, ...opts.extra?.txt };
  txt[`${opts.selector}._domainkey.${opts.sharedDomain}`] = [dkimTxtRecord(readFileSync(opts.dkimKeyFile, "utf8"))];
  const merged: StaticZone = { ...zone, ...opts.extra, txt };
  writeFileSync(file, JSON.stringify(merged, null, 2));
  return file;
}
