/**
 * Mounts the dashboard on the Worker's app, one router per path prefix; nothing here matches `/api`,
 * `/internal`, `/status` or `/healthz`.
 *
 * | prefix | what |
 * |---|---|
 * | `/` | landing page |
 * | `/assets` | stylesheet and scripts |
 * | `/favicon.ico` | the site icon |
 * | `/signup`, `/login`, `/login/2fa`, `/logout`, `/password` | accounts |
 * | `/newsletter` | newsletter subscribe / confirm / unsubscribe |
 * | `/dashboard` | home: totals and the 7-day chart |
 * | `/aliases`, `/recipients`, `/usernames`, `/domains`, `/failed-deliveries` | the user's things |
 * | `/settings` | settings, password, 2FA, passkeys, API tokens, account deletion |
 * | `/deactivate` | the forward banner's signed "Deactivate this alias" link (no login) |
 */
import type { Hono } from "hono";
import { DEACTIVATE_PATH } from "../../common/internal-api.js";
import type { AppEnv } from "../types.js";
import { assetRoutes } from "./assets/routes.js";
import { favicon } from "./fallback.js";
import { aliasRoutes } from "./pages/aliases/edit.js";
import { dashboardRoutes } from "./pages/dashboard.js";
import { deactivateRoutes } from "./pages/deactivate.js";
import { VERIFY_PATH, recipientVerifyRoutes } from "./pages/recipient-verify.js";
import { landingRoutes } from "./pages/landing.js";
import { login2faRoutes } from "./pages/login-2fa.js";
import { loginRoutes, logoutRoutes } from "./pages/login.js";
import { newsletterRoutes } from "./pages/newsletter.js";
import { passwordRoutes } from "./pages/password.js";
import { deleteAccountRoutes } from "./pages/settings/delete.js";
import { settingsRoutes } from "./pages/settings/general.js";
import { passwordSettingsRoutes } from "./pages/settings/password.js";
import { tokenRoutes } from "./pages/settings/tokens.js";
import { twoFactorRoutes } from "./pages/settings/two-factor.js";
import { signupRoutes } from "./pages/signup.js";
import { domainRoutes } from "./pages/things/domains.js";
import { failedRoutes } from "./pages/things/failed.js";
import { recipientRoutes } from "./pages/things/recipients.js";
import { usernameRoutes } from "./pages/things/usernames.js";

/** Adds every dashboard router to `app`. */
export function mountWeb(app: Hono<AppEnv>): void {
  app.route("/assets", assetRoutes);
  app.get("/favicon.ico", () => favicon());
  app.route("/", landingRoutes);
  app.route("/signup", signupRoutes);
  app.route("/login/2fa", login2faRoutes);
  app.route("/login", loginRoutes);
  app.route("/logout", logoutRoutes);
  app.route("/password", passwordRoutes);
  app.route("/newsletter", newsletterRoutes);
  app.route(VERIFY_PATH, recipientVerifyRoutes);
  app.route(DEACTIVATE_PATH.replace(/\/$/, ""), deactivateRoutes);
  app.route("/dashboard", dashboardRoutes);
  app.route("/aliases", aliasRoutes);
  app.route("/recipients", recipientRoutes);
  app.route("/usernames", usernameRoutes);
  app.route("/domains", domainRoutes);
  app.route("/failed-deliveries", failedRoutes);
  app.route("/settings/password", passwordSettingsRoutes);
  app.route("/settings/2fa", twoFactorRoutes);
  app.route("/settings/tokens", tokenRoutes);
  app.route("/settings/delete", deleteAccountRoutes);
  app.route("/settings", settingsRoutes);
}
