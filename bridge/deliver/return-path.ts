/**
 * The envelope sender (MAIL FROM) of a message we send. Bounces from the recipient's server come back
 * to this address, so it must be ours and must not reveal who sent the original: it is the VERP address
 * the Worker issued for this copy (`b_<id>_<hmac>@<domain>`, DESIGN §4, common/verp.ts), which names
 * exactly the message and destination that bounced.
 */
import type { Delivery, Target } from "../mail/types.js";

/**
 * @param delivery the copy being sent (forwards carry one return path per recipient)
 * @returns the VERP address; for a forward planned before VERP existed, `bounces@<signing domain>`
 * @throws TypeError for a target that delivers nothing
 * @example returnPathFor(target, delivery) // "b_0b6f…_3f9c…@veilmail.test"
 */
export function returnPathFor(target: Target, delivery: Delivery): string {
  switch (target.kind) {
    case "forward": return delivery.recipient.returnPath ?? `bounces@${target.plan.signingDomain}`;
    case "notify": return target.returnPath;
    case "reply": return target.plan.returnPath;
    default: throw new TypeError(`returnPathFor: a ${target.kind} target is not delivered`);
  }
}
