/**
 * The envelope sender (MAIL FROM) of a message we send. Bounces from the recipient's server come back
 * to this address, so it must be ours and must not reveal who sent the original.
 */
import type { Target } from "../mail/types.js";

/**
 * Forwards: for now `bounces@<signing domain>` (aligned with our DKIM `d=`, so SPF/DMARC alignment is
 * possible); a later change replaces it with a VERP address `b_<id>_<hmac>@<domain>` (DESIGN §4) naming
 * the outbound message; keep every caller going through this function. Outbox messages carry theirs.
 * @param _spoolId the spool entry, for the VERP id later
 * @throws TypeError for a target that delivers nothing
 * @example returnPathFor(target, state.id) // "bounces@example.com"
 */
export function returnPathFor(target: Target, _spoolId: string): string {
  switch (target.kind) {
    case "forward": return `bounces@${target.plan.signingDomain}`;
    case "notify": return target.returnPath;
    default: throw new TypeError(`returnPathFor: a ${target.kind} target is not delivered`);
  }
}
