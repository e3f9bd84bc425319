/**
 * Recognising MySQL errors that come back through drizzle and the PlanetScale driver. drizzle wraps the
 * driver's `DatabaseError` in a `DrizzleQueryError` whose `cause` carries `(errno N)` in its message.
 */

/** The messages of an error and of its chain of causes. */
function messages(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(" | ");
}

/** True when the statement failed on a unique index (MySQL errno 1062, ER_DUP_ENTRY). */
export function isDuplicateKey(err: unknown): boolean {
  return /\(errno 1062\)|Duplicate entry/.test(messages(err));
}

/** True when the database is unreachable or overloaded rather than the query being wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return /errno (1040|1053|2002|2003|2006|2013)\b|fetch failed|ECONNREFUSED|network connection lost|unavailable/i.test(messages(err));
}

/** `Date` truncated to whole seconds, as DATETIME(0) stores it on both MySQL 8 (which would round) and MariaDB (which truncates). */
export function nowSeconds(date: Date = new Date()): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
