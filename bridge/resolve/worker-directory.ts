/**
 * Resolve stage: the AliasDirectory backed by the Worker (`POST /internal/v1/resolve`, signed).
 *
 * Any failure to get a valid answer is a temporary `451 4.3.0` for the sending MTA, never a reject: an
 * outage must not bounce mail (DESIGN §3 resolve). A later decorator (`CachingDirectory`) may wrap this
 * one to serve a recent positive answer while the Worker is unreachable; nothing here assumes otherwise.
 */
import { ResolveResponse } from "../../common/internal-api.js";
import type { Logger } from "../log.js";
import { MailError } from "../mail/errors.js";
import { REPLIES } from "../mail/replies.js";
import type { AliasDirectory } from "../mail/types.js";
import type { PostSigned } from "../worker-client.js";

export const RESOLVE_PATH = "/internal/v1/resolve";

export interface WorkerDirectoryOptions {
  post: PostSigned;
  /** Milliseconds before a lookup counts as failed. */
  timeoutMs: number;
  log: Logger;
}

const unavailable = (detail: string, cause?: unknown) =>
  new MailError("resolve", REPLIES.directoryUnavailable, { detail, cause });

/**
 * @throws MailError `451 4.3.0` on timeout, network error, non-2xx status or an answer that fails the schema
 * @example const dir = createWorkerDirectory({ post, timeoutMs: 5000, log }); await dir.resolve({ mailFrom, rcptTo, clientIp })
 */
export function createWorkerDirectory(options: WorkerDirectoryOptions): AliasDirectory {
  const { post, timeoutMs, log } = options;
  return {
    async resolve(req) {
      let res;
      try {
        res = await post(RESOLVE_PATH, req, timeoutMs);
      } catch (err) {
        const timedOut = (err as Error).name === "TimeoutError" || (err as Error).name === "AbortError";
        log.warn({ err: (err as Error).message, timedOut }, "resolve:unavailable");
        throw unavailable(timedOut ? `resolve timed out after ${timeoutMs} ms` : `resolve failed: ${(err as Error).message}`, err);
      }
      if (res.status === 401) {
        log.error({ status: 401 }, "resolve:unauthorized (BRIDGE_SECRET or NODE_NAME does not match the Worker's BRIDGE_SECRETS)");
        throw unavailable("resolve refused: 401");
      }
      if (res.status < 200 || res.status > 299) {
        log.warn({ status: res.status }, "resolve:unavailable");
        throw unavailable(`resolve answered HTTP ${res.status}`);
      }
      const parsed = ResolveResponse.safeParse(res.body);
      if (!parsed.success) {
        log.error({ issues: parsed.error.issues.slice(0, 3) }, "resolve:invalid-answer");
        throw unavailable("resolve answer failed the schema");
      }
      const answer = parsed.data;
      // A refusal must carry a refusal code of the right class, or it is not a usable answer.
      const code = answer.reply.code;
      if ((answer.action === "reject" && (code < 500 || code > 599)) || (answer.action === "defer" && (code < 400 || code > 499))) {
        log.error({ action: answer.action, code }, "resolve:invalid-answer");
        throw unavailable(`resolve answered ${answer.action} with ${code}`);
      }
      return answer;
    },
  };
}
