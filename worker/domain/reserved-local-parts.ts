/**
 * Local parts of a shared domain that belong to the service, never to a user's alias: every role
 * mailbox of RFC 2142 (§3 business: info, marketing, sales, support; §4 network operations: abuse, noc,
 * security; §5 support services: postmaster, hostmaster, usenet, news, webmaster, www, uucp, ftp), the
 * postmaster of RFC 5321 §4.5.1, the DMARC report addresses, and our own return-path forms (`bounces@…`,
 * VERP `b_<id>_<hmac>@…`). Were a user to own one, mail meant for the operator (abuse reports, business
 * enquiries, bounces that quote other users' messages) would be forwarded to that user.
 */
const RESERVED: ReadonlySet<string> = new Set([
  // RFC 2142 §3–§5
  "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "usenet",
  "news", "webmaster", "www", "uucp", "ftp",
  // the service's own
  "mailer-daemon", "mailerdaemon", "bounce", "bounces", "noreply", "no-reply", "dmarc", "admin", "administrator",
  "root", "unsubscribe",
]);

/** True when `local` (lower case) may not be an alias on a shared domain itself. */
export function isReservedSharedLocalPart(local: string): boolean {
  return RESERVED.has(local) || /^b_/.test(local);
}
