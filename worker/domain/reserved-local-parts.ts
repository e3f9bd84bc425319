/**
 * Local parts of a shared domain that belong to the service, never to a user's alias: the role
 * addresses of RFC 2142 (§4–§5), the postmaster of RFC 5321 §4.5.1, and our own return-path forms
 * (`bounces@…`, VERP `b_<id>_<hmac>@…`). Were a user to own one, mail meant for the operator (abuse
 * reports, bounces that quote other users' messages) would be forwarded to that user.
 */
const RESERVED: ReadonlySet<string> = new Set([
  "postmaster", "abuse", "hostmaster", "webmaster", "security", "noc", "mailer-daemon", "mailerdaemon",
  "bounce", "bounces", "noreply", "no-reply", "dmarc", "admin", "administrator", "root", "support", "unsubscribe",
]);

/** True when `local` (lower case) may not be an alias on a shared domain itself. */
export function isReservedSharedLocalPart(local: string): boolean {
  return RESERVED.has(local) || /^b_/.test(local);
}
