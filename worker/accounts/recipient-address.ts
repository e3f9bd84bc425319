/**
 * The one check of a recipient address (a real mailbox mail is forwarded to), used wherever one comes
 * in: sign-up and the admin CLI (./users.ts `createUser`), the dashboard and the API (./recipients.ts
 * `addRecipient`).
 */
import type { Db } from "../../db/client.js";
import { parseAddress } from "../domain/address.js";
import { ApiError } from "../errors.js";
import { isServedDomain } from "./served-domains.js";

/** RFC 5322 §3.2.3 dot-atom: no quoted local parts (`"<b>hi</b>"@example.org`), no comments, no spaces. */
const DOT_ATOM_LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/**
 * Checks and normalises a recipient address: printable ASCII of at most 254 characters (RFC 5321
 * §4.5.3.1.3), a dot-atom local part of at most 64 octets, a domain that is a real host name (no IP
 * address, see ../domain/address.ts `normalizeDomain`), and not one of our own domains (mail to it
 * would come back to us: ./served-domains.ts).
 * @param field the request field to name in the error (`email` in the API and dashboard, `recipient`
 *   in the admin API)
 * @returns the address in lower case, e.g. `jane@example.org`
 * @throws ApiError VALIDATION naming `field`
 */
export async function checkRecipientAddress(db: Db, input: string, field = "email"): Promise<string> {
  const raw = input.trim();
  if (!/^[\x21-\x7e]+$/.test(raw) || raw.length > 254) {
    throw new ApiError("VALIDATION", `The ${field} must be a valid ASCII email address of at most 254 characters.`, field);
  }
  const addr = parseAddress(raw);
  if (!addr || !DOT_ATOM_LOCAL.test(addr.local)) throw new ApiError("VALIDATION", `The ${field} must be a valid email address.`, field);
  if (await isServedDomain(db, addr.domain)) {
    throw new ApiError("VALIDATION", `The ${field} may not be on a domain this service receives mail for.`, field);
  }
  return `${addr.local}@${addr.domain}`;
}
