/**
 * transform → sign for one delivering target: the exact bytes every recipient of that target gets.
 * Nothing touches the message after the signer (DESIGN §3 sign).
 *
 * The result is parts (bridge/mail/message-parts.ts): the new header block and signature in front of
 * views of `raw` for the body the forward passes through, so a large attachment is never copied here, in
 * the signer or in the transport; `raw` stays alive as long as the result does.
 */
import { randomBytes } from "node:crypto";
import { MailError, toMailError } from "../mail/errors.js";
import { REPLIES } from "../mail/replies.js";
import { messageParts } from "../mail/message-parts.js";
import type { Envelope, MessageParts, Signer, Target } from "../mail/types.js";
import { forwardChunks } from "../transform/forward.js";
import { parseHeaderFields } from "../transform/parse.js";
import { replyMessage } from "../transform/reply.js";

/**
 * @param raw the message as received (from the spool)
 * @throws MailError with stage `transform` or `sign`; anything not already a MailError becomes a
 *   temporary `451 4.3.0` (retried until the queue's maximum age)
 */
export async function prepareForward(
  raw: Buffer, target: Extract<Target, { kind: "forward" }>, envelope: Envelope, signer: Signer, now: Date,
): Promise<MessageParts> {
  let transformed: MessageParts;
  try {
    const parsed = await parseHeaderFields(raw);
    transformed = messageParts(...forwardChunks(raw, parsed, target.plan, {
      envelope, rcptTo: target.rcptTo, now, randomId: () => randomBytes(12).toString("hex"),
      tokens: new Map(Object.entries(target.tokens ?? {})),
    }));
  } catch (err) {
    throw toMailError("transform", err);
  }
  return sign(signer, transformed, target.plan.signingDomain);
}

/**
 * The message for any delivering target: forwards and replies/sends are rewritten (and signed for the
 * alias domain); outbox messages were composed by bridge/outbox before they were spooled and are only
 * signed.
 * @throws MailError as {@link prepareForward}; TypeError for a target that delivers nothing
 */
export async function prepareTarget(raw: Buffer, target: Target, envelope: Envelope, signer: Signer, now: Date): Promise<MessageParts> {
  switch (target.kind) {
    case "forward": return prepareForward(raw, target, envelope, signer, now);
    case "notify": return sign(signer, messageParts(raw), target.signingDomain);
    case "reply": {
      let result;
      try {
        result = await replyMessage(raw, target.plan, { now, randomId: () => randomBytes(12).toString("hex"), tokens: target.tokens });
      } catch (err) {
        throw toMailError("transform", err);
      }
      // The end of DATA refused these already; this only guards against a plan that changed underneath.
      if (!result.ok) throw new MailError("transform", REPLIES.notReverseAlias, { detail: `not reverse aliases: ${result.addresses.length}` });
      return sign(signer, messageParts(result.message), target.plan.signingDomain);
    }
    default: throw new TypeError(`prepareTarget: a ${target.kind} target has no message to deliver`);
  }
}

async function sign(signer: Signer, message: MessageParts, domain: string): Promise<MessageParts> {
  try {
    return await signer(message, domain);
  } catch (err) {
    throw toMailError("sign", err);
  }
}
