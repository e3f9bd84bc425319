/**
 * Tests write messages as whole Buffers; the pipeline's signer takes and returns parts
 * (bridge/mail/message-parts.ts). `onBuffers` adapts one to the other.
 */
import { joinParts, messageParts } from "../../bridge/mail/message-parts.js";
import type { Signer } from "../../bridge/mail/types.js";

/**
 * `sign` for a whole message in one Buffer, returning the signed message in one Buffer.
 * @example const signed = await onBuffers(createDkimSigner(key))(Buffer.from(text), "example.test")
 */
export function onBuffers(sign: Signer): (message: Buffer, signingDomain: string) => Promise<Buffer> {
  return async (message, signingDomain) => joinParts(await sign(messageParts(message), signingDomain));
}
