/** Hono typing of the dashboard routes: the app's variables plus the signed-in user and the form token. */
import type { AppEnv } from "../types.js";
import type { Session } from "../auth/sessions.js";

/** The signed-in account as pages show it. */
export interface CurrentUser {
  id: string;
  /** The default username (what the user logs in with and sees in the header). */
  username: string;
  /** The default recipient's address (the account's e-mail). */
  email: string;
  emailVerified: boolean;
  defaultRecipientId: string | null;
  plan: string;
}

/** A one-time message shown on the next page (after a redirect). */
export interface Flash {
  kind: "ok" | "error";
  text: string;
}

export type WebEnv = {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & {
    /** The cookie's session, `active` or `pending` (second factor due); null when signed out. */
    session: Session | null;
    /** Set only for an `active` session of a live account. */
    user: CurrentUser | null;
    /** The CSRF token every form on this page must send back as `_csrf`. */
    csrfToken: string;
    flash: Flash | null;
  };
};
