/**
 * SimpleLogin's signed suffixes: `alias/options` offers `@<domain>` suffixes, each signed so that
 * `alias/custom/new` can trust the domain without a second lookup of the options. Form:
 * `<suffix>.<issued unix seconds>.<mac>`, MAC = keys.ts `links` HMAC over
 * `sl-suffix|<user id>|<suffix>|<issued>` (bound to the user; disjoint from signed links and MFA keys).
 * A suffix older than {@link SUFFIX_TTL_SECONDS} is refused with 412, as SimpleLogin does, and the
 * client fetches the options again.
 */
import { mac, verifyMac } from "../../../auth/keys.js";
import { ApiError } from "../../../errors.js";

export const SUFFIX_TTL_SECONDS = 600;

const data = (userId: string, suffix: string, issued: number) => `sl-suffix|${userId}|${suffix}|${issued}`;

/** Signs `suffix` (e.g. `@jane.example.net`) for `userId`. */
export async function signSuffix(secret: string, userId: string, suffix: string, now: Date): Promise<string> {
  const issued = Math.floor(now.getTime() / 1000);
  return `${suffix}.${issued}.${await mac(secret, "links", data(userId, suffix, issued))}`;
}

/**
 * The suffix a signed suffix carries.
 * @throws ApiError PRECONDITION_FAILED (412) when expired; BAD_REQUEST when malformed or forged
 */
export async function readSuffix(secret: string, userId: string, signed: string, now: Date): Promise<string> {
  const match = /^(.+)\.(\d{1,12})\.([A-Za-z0-9_-]+)$/.exec(signed);
  if (!match) throw new ApiError("BAD_REQUEST", "signed_suffix is not valid");
  const [, suffix, issuedText, sig] = match as unknown as [string, string, string, string];
  const issued = Number(issuedText);
  if (!(await verifyMac(secret, "links", data(userId, suffix, issued), sig))) throw new ApiError("BAD_REQUEST", "signed_suffix is not valid");
  if (now.getTime() / 1000 - issued > SUFFIX_TTL_SECONDS) throw new ApiError("PRECONDITION_FAILED", "Alias creation time is expired, please retry");
  return suffix;
}
