/**
 * The envelope sender (MAIL FROM) of a forwarded message. Bounces from the recipient's server come back
 * to this address, so it must be ours and must not reveal who sent the original.
 */
import type { ForwardPlan } from "../../common/internal-api.js";

/**
 * For now `bounces@<signing domain>` (aligned with our DKIM `d=`, so SPF/DMARC alignment is possible).
 * A later issue replaces it with a VERP address `b_<id>_<hmac>@<domain>` (DESIGN §4) naming the outbound
 * message; keep every caller going through this function.
 * @param _spoolId the spool entry, for the VERP id later
 * @example returnPathFor(plan, state.id) // "bounces@example.com"
 */
export function returnPathFor(plan: ForwardPlan, _spoolId: string): string {
  return `bounces@${plan.signingDomain}`;
}
