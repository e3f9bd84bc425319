/**
 * The display-name rule (../domain/display-name.ts) where the account services store a from name, so
 * every front end (addy.io API, SimpleLogin API, dashboard) is held to it even if its own schema is not.
 */
import { checkDisplayName } from "../domain/display-name.js";
import { ApiError } from "../errors.js";

/**
 * The from name to store: trimmed, null when blank.
 * @param field the request field to name in the error (`from_name`)
 * @throws ApiError VALIDATION naming `field`, e.g. "The from name must not contain line breaks or other control characters."
 */
export function fromNameOrThrow(raw: string | null | undefined, field = "from_name"): string | null {
  const checked = checkDisplayName(raw);
  if (!checked.ok) throw new ApiError("VALIDATION", `The from name ${checked.problem}`, field);
  return checked.name;
}
