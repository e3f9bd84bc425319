/**
 * Resolve stage decorator: a bounded cache of the Worker's positive answers (`forward`, `discard`) with
 * serve-stale (DESIGN §3 resolve; the backup-MX practice of validating recipients without the primary).
 *
 * - A cached answer younger than `ttlMs` is served without asking the Worker (so a deactivation reaches
 *   this bridge within `ttlMs`).
 * - Otherwise the Worker is asked; a positive answer replaces the entry, a `reject` removes it, a `defer`
 *   leaves it alone.
 * - When the Worker cannot answer (the inner directory throws a temporary MailError: network, timeout,
 *   5xx such as a database outage), an entry younger than `staleMs` is served: mail for an alias
 *   resolved within that bound keeps flowing. Anything else gets the inner `451 4.3.0`: never a 5xx
 *   because of an outage, never an address the cache cannot vouch for.
 * - `bypass()` (maintenance mode) turns serving from the cache off entirely.
 *
 * Keys are the lower-cased RCPT TO: this holds because the Worker's forward/discard decision depends on
 * the recipient alone. Answers that depend on the sender (replies through a reverse alias) are never
 * cached: only `forward` and `discard` are.
 */
import type { ResolveResponse } from "../../common/internal-api.js";
import type { Logger } from "../log.js";
import { toMailError } from "../mail/errors.js";
import type { AliasDirectory } from "../mail/types.js";

export interface CachingDirectoryOptions {
  inner: AliasDirectory;
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Age (ms) below which an entry is served without asking the Worker. */
  ttlMs: number;
  /** Age (ms) below which an entry may be served while the Worker is unreachable (24 h by default). */
  staleMs: number;
  /** When true, the cache is neither read fresh nor stale (maintenance mode); it is still filled. */
  bypass?: () => boolean;
  log: Logger;
  /** Clock in epoch ms; injectable for tests. */
  now?: () => number;
}

type Positive = Extract<ResolveResponse, { action: "forward" | "discard" }>;

/** The decorator plus a view of its size (for tests and metrics). */
export interface CachingDirectory extends AliasDirectory {
  readonly size: number;
}

/**
 * @example const directory = createCachingDirectory({ inner: workerDirectory, maxEntries: 10_000, ttlMs: 60_000, staleMs: 86_400_000, log })
 */
export function createCachingDirectory(options: CachingDirectoryOptions): CachingDirectory {
  const { inner, maxEntries, ttlMs, staleMs, log } = options;
  const now = options.now ?? Date.now;
  const bypass = options.bypass ?? (() => false);
  const entries = new Map<string, { answer: Positive; at: number }>();

  const remember = (key: string, answer: Positive) => {
    entries.delete(key);
    entries.set(key, { answer, at: now() });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };

  return {
    get size() { return entries.size; },
    async resolve(req) {
      const key = req.rcptTo.toLowerCase();
      const entry = entries.get(key);
      const skip = bypass();
      if (entry && !skip && now() - entry.at < ttlMs) {
        entries.delete(key); // most recently used last
        entries.set(key, entry);
        return entry.answer;
      }
      let answer: ResolveResponse;
      try {
        answer = await inner.resolve(req);
      } catch (err) {
        const age = entry ? now() - entry.at : Infinity;
        if (!skip && entry && age < staleMs && toMailError("resolve", err).temporary) {
          log.warn({ action: entry.answer.action, ageSeconds: Math.round(age / 1000) }, "resolve:stale-served");
          return entry.answer;
        }
        if (entry && age >= staleMs) entries.delete(key);
        throw err;
      }
      if (answer.action === "forward" || answer.action === "discard") remember(key, answer);
      else if (answer.action === "reject") entries.delete(key);
      return answer;
    },
  };
}
