/** The shared shape of a one-button action: run it, flash what happened, go back to the list. */
import type { Context } from "hono";
import { setFlash } from "../../cookies.js";
import { fieldErrorsFrom } from "../../forms.js";
import { currentUser } from "../../router.js";
import type { WebEnv } from "../../types.js";

/**
 * Runs `action` for the signed-in user and the route's `:id`; its message (or the refusal of a
 * VALIDATION / CONFLICT / FORBIDDEN error) is flashed on `back`. NOT_FOUND and other errors propagate
 * (error pages).
 */
export async function flashOutcome(c: Context<WebEnv>, back: string, action: (userId: string, id: string) => Promise<string>) {
  const user = currentUser(c);
  try {
    setFlash(c, { kind: "ok", text: await action(user.id, c.req.param("id") ?? "") });
  } catch (err) {
    setFlash(c, { kind: "error", text: Object.values(fieldErrorsFrom(err))[0] ?? "That did not work." });
  }
  return c.redirect(back, 303);
}
