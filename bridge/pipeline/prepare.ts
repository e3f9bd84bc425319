/**
 * transform → sign for one forward target: the exact bytes every recipient of that alias gets.
 * Nothing touches the message after the signer (DESIGN §3 sign).
 */
import { randomBytes } from "node:crypto";
import { toMailError } from "../mail/errors.js";
import type { Envelope, Signer, Target } from "../mail/types.js";
import { forwardMessage } from "../transform/forward.js";
import { parseHeaderFields } from "../transform/parse.js";

/**
 * @param raw the message as received (from the spool)
 * @throws MailError with stage `transform` or `sign`; anything not already a MailError becomes a
 *   temporary `451 4.3.0` (retried until the queue's maximum age)
 */
export async function prepareForward(
  raw: Buffer, target: Extract<Target, { kind: "forward" }>, envelope: Envelope, signer: Signer, now: Date,
): Promise<Buffer> {
  let transformed: Buffer;
  try {
    const parsed = await parseHeaderFields(raw);
    transformed = forwardMessage(raw, parsed, target.plan, {
      envelope, rcptTo: target.rcptTo, now, randomId: () => randomBytes(12).toString("hex"),
    });
  } catch (err) {
    throw toMailError("transform", err);
  }
  try {
    return await signer(transformed, target.plan.signingDomain);
  } catch (err) {
    throw toMailError("sign", err);
  }
}
