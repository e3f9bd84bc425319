/**
 * Username rules (addy.io's): 1–20 ASCII letters and digits, unique across all accounts forever, and
 * not one of the names reserved for the service itself (they would become `<name>.<shared domain>`).
 */
export const USERNAME = /^[a-z0-9]{1,20}$/;

export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "abuse", "admin", "administrator", "api", "app", "billing", "bounce", "bounces", "dashboard", "dev", "dmarc",
  "docs", "ftp", "help", "hostmaster", "imap", "info", "mail", "mailer", "mailerdaemon", "mx", "mx1", "mx2",
  "noc", "noreply", "postmaster", "pop", "pop3", "root", "security", "smtp", "ssl", "staging", "status",
  "support", "sysadmin", "system", "test", "unsubscribe", "veilmail", "webmaster", "www",
]);

/**
 * Normalises (lower case) and checks a requested username.
 * @returns the username, or an error message fit to show the user
 */
export function checkUsername(input: string): { ok: true; username: string } | { ok: false; message: string } {
  const username = input.trim().toLowerCase();
  if (!USERNAME.test(username)) return { ok: false, message: "must be 1 to 20 letters or digits" };
  if (RESERVED_USERNAMES.has(username)) return { ok: false, message: "is reserved" };
  return { ok: true, username };
}
