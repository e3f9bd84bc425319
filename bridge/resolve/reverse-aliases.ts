/**
 * The bridge's client for `POST /internal/v1/reverse-aliases` (signed): token-form reverse aliases for
 * correspondents whose plain form does not fit, and the correspondents behind token-form addresses. Called
 * once per message at the end of DATA, only when a message needs it, so the transforms stay pure.
 */
import { type ReverseAliasesRequest, ReverseAliasesResponse } from "../../common/internal-api.js";
import { MailError } from "../mail/errors.js";
import { REPLIES } from "../mail/replies.js";
import type { PostSigned } from "../worker-client.js";

export const REVERSE_ALIASES_PATH = "/internal/v1/reverse-aliases";

export interface ReverseAliasClient {
  /** @throws MailError `451 4.3.0` when the Worker cannot answer (the sender retries the message) */
  lookup(req: ReverseAliasesRequest): Promise<ReverseAliasesResponse>;
}

/** @example await createReverseAliasClient(post, 5000).lookup({ encode: [{ aliasId, sender }], decode: [] }) */
export function createReverseAliasClient(post: PostSigned, timeoutMs: number): ReverseAliasClient {
  return {
    async lookup(req) {
      let res;
      try {
        res = await post(REVERSE_ALIASES_PATH, req, timeoutMs);
      } catch (err) {
        throw new MailError("resolve", REPLIES.directoryUnavailable, { cause: err, detail: `reverse aliases: ${(err as Error).message}` });
      }
      const parsed = ReverseAliasesResponse.safeParse(res.body);
      if (res.status !== 200 || !parsed.success) {
        throw new MailError("resolve", REPLIES.directoryUnavailable, { detail: `reverse aliases answered HTTP ${res.status}` });
      }
      return parsed.data;
    },
  };
}
