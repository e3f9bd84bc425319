/**
 * Username rules (addy.io's): 1–20 ASCII letters and digits, unique across all accounts forever, and
 * not one of the names reserved for the service itself. A username becomes the host name
 * `<name>.<shared domain>`, so it may not be a name that host already means something for: the role
 * mailboxes of RFC 2142 (§3–§5), hosts mail and DNS software look up by name (`autoconfig`,
 * `autodiscover`, `mta-sts` as `mtasts`, `spf`, `dkim`, `dmarc`, `mx`…), and the service's own hosts
 * (its MX hosts, SPF include, dashboard: {@link serviceHostLabels}, from the Worker's configuration).
 */
export const USERNAME = /^[a-z0-9]{1,20}$/;

/** Names no account may take (lower case; hyphens and underscores cannot be in a username anyway). */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  // RFC 2142 §3 business, §4 network operations, §5 support services
  "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "usenet",
  "news", "webmaster", "www", "uucp", "ftp",
  // mail and DNS infrastructure looked up by name
  "mail", "mx", "mx0", "mx1", "mx2", "mx3", "mx4", "mx5", "smtp", "smtps", "submission", "imap", "imaps", "pop",
  "pop3", "pop3s", "spf", "dkim", "domainkey", "dmarc", "mtasts", "autoconfig", "autodiscover", "wpad", "isatap",
  "ns", "ns1", "ns2", "ns3", "ns4", "dns", "ldap", "ssl", "tls", "openpgpkey", "bimi", "tlsrpt",
  // the service's own roles and pages
  "admin", "administrator", "api", "app", "billing", "bounce", "bounces", "dashboard", "dev", "docs", "help",
  "mailer", "mailerdaemon", "noreply", "root", "staging", "status", "sysadmin", "system", "test", "unsubscribe",
  "veilmail",
]);

/**
 * The first labels of the service's own host names, which a username must not shadow as
 * `<name>.<shared domain>`: each MX host (`MX_HOSTS`), the SPF include (`SPF_INCLUDE`) and the
 * dashboard's host (`APP_URL`; not when it is an IP address).
 * @example serviceHostLabels({ mxHosts: ["in1.mail.example"], spfInclude: "spf.mail.example" }, "https://app.mail.example") // {"in1","spf","app"}
 */
export function serviceHostLabels(dns: { mxHosts: readonly string[]; spfInclude: string }, appUrl?: string): ReadonlySet<string> {
  const hosts = [...dns.mxHosts, dns.spfInclude];
  if (appUrl) {
    try { hosts.push(new URL(appUrl).hostname); } catch { /* not a URL: nothing to reserve */ }
  }
  const isIp = (h: string) => /^[0-9.]+$/.test(h) || h.includes(":") || h.startsWith("[");
  return new Set(hosts.filter((h) => !isIp(h)).map((h) => h.toLowerCase().split(".")[0] ?? "").filter((l) => USERNAME.test(l)));
}

/**
 * Normalises (lower case) and checks a requested username.
 * @param serviceLabels more reserved names: {@link serviceHostLabels} of the running configuration
 * @returns the username, or an error message fit to show the user
 */
export function checkUsername(input: string, serviceLabels: ReadonlySet<string> = new Set()): { ok: true; username: string } | { ok: false; message: string } {
  const username = input.trim().toLowerCase();
  if (!USERNAME.test(username)) return { ok: false, message: "must be 1 to 20 letters or digits" };
  if (RESERVED_USERNAMES.has(username) || serviceLabels.has(username)) return { ok: false, message: "is reserved" };
  return { ok: true, username };
}
