/**
 * `/deactivate/<token>`: the forward banner's "Deactivate this alias" link (../../accounts/deactivate-links.ts).
 *
 * - GET shows the alias and a button, and changes nothing: mail scanners, link previews and security
 *   gateways fetch every link in a message, and none of them may switch an alias off.
 * - POST (the button) switches the alias off: mail to it is then accepted and dropped, counted as
 *   blocked, and the owner sees it "Inactive" in the dashboard, where it can be turned on again.
 *
 * No login: the signed token stands in for the session. It names one alias and its owner, only we can
 * make it (HMAC under the `links` key), and it expires after 30 days; the owner may well read mail where
 * they are not signed in. The form still carries the dashboard's CSRF token like every dashboard form
 * (bound to the visitor cookie the GET sets, or to the session when signed in; ../middleware.ts): it adds
 * nothing against someone who holds the link, who could post it anyway, but it means a browser posts the
 * deactivation only from our own confirmation page, never from another site that got hold of a link.
 */
import type { Context } from "hono";
import { DEACTIVATE_PATH } from "../../../common/internal-api.js";
import { deactivateByLink, readDeactivateLink, type LinkedAlias } from "../../accounts/deactivate-links.js";
import { nowSeconds } from "../../db-errors.js";
import { render } from "../layout.js";
import { webRouter } from "../router.js";
import type { WebEnv } from "../types.js";
import { Csrf } from "../ui.js";

const TOKEN = /^[A-Za-z0-9_-]{1,1024}\.[A-Za-z0-9_-]{1,64}$/;

/** The page for a link that does not work (forged, expired, another alias's, or its alias forgotten). */
function invalid(c: Context<WebEnv>) {
  return render(c, "Link not valid", (
    <div class="card narrow">
      <h1>Link not valid</h1>
      <p>This deactivate link is not valid or has expired: links in forwarded mail work for 30 days.</p>
      <p>You can switch any alias off in your dashboard, under Aliases.</p>
      <p><a class="button" href={c.var.user ? "/aliases" : "/login?next=%2Faliases"}>{c.var.user ? "Go to your aliases" : "Log in"}</a></p>
    </div>
  ), { status: 400 });
}

function AliasName({ alias }: { alias: LinkedAlias }) {
  return <><strong>{alias.email}</strong>{alias.description ? <> ({alias.description})</> : null}</>;
}

/** What the alias's state is now, and where to change it. */
function StatePage({ c, alias, done }: { c: Context<WebEnv>; alias: LinkedAlias; done: boolean }) {
  const title = alias.deleted ? "Alias deleted" : done ? "Alias deactivated" : "Alias already off";
  return (
    <div class="card narrow">
      <h1>{title}</h1>
      {alias.deleted
        ? <p><AliasName alias={alias} /> has been deleted: mail to it is refused.</p>
        : <p><AliasName alias={alias} /> is off. Mail sent to it is dropped, and counted as blocked, until you turn it on again.</p>}
      <p><a class="button" href={c.var.user ? "/aliases" : "/login?next=%2Faliases"}>{c.var.user ? "Go to your aliases" : "Log in to manage your aliases"}</a></p>
    </div>
  );
}

export const deactivateRoutes = webRouter()
  .get("/:token", async (c) => {
    const token = c.req.param("token");
    const alias = TOKEN.test(token) ? await readDeactivateLink(c.var.db, c.var.config.appSecret, token, nowSeconds()) : null;
    if (!alias) return invalid(c);
    if (alias.deleted || !alias.active) return render(c, "Alias off", <StatePage c={c} alias={alias} done={false} />);
    return render(c, "Deactivate alias", (
      <div class="card narrow">
        <h1>Deactivate this alias?</h1>
        <p>Mail sent to <AliasName alias={alias} /> will be dropped (and counted as blocked) instead of forwarded to you.
          You can turn it on again at any time in your dashboard.</p>
        <form method="post" action={`${DEACTIVATE_PATH}${token}`}>
          <Csrf token={c.var.csrfToken} />
          <button type="submit" class="danger">Deactivate {alias.email}</button>
        </form>
      </div>
    ));
  })
  .post("/:token", async (c) => {
    const token = c.req.param("token");
    const result = TOKEN.test(token) ? await deactivateByLink(c.var.db, c.var.config.appSecret, token, nowSeconds()) : null;
    if (!result) return invalid(c);
    return render(c, "Alias deactivated", <StatePage c={c} alias={result.alias} done={result.changed} />);
  });
