/**
 * `/settings/2fa`: the second factors. TOTP: scan the QR code (or type the secret), confirm with a
 * code, and get ten backup codes (shown once). Passkeys: register with the browser's WebAuthn dialog
 * (needs JavaScript and a dashboard on a domain name), list, remove. Turning a factor off or removing
 * a passkey asks for the password again.
 */
import type { Context } from "hono";
import { z } from "zod";
import { checkAccountPassword } from "../../../accounts/passwords.js";
import { deletePasskey, listPasskeys, registerPasskey, registrationOptions, relyingParty } from "../../../accounts/passkeys.js";
import { confirmTotp, disableTotp, pendingTotpSecret, regenerateBackupCodes, secondFactors } from "../../../accounts/two-factor.js";
import { setSessionChallenge } from "../../../auth/sessions.js";
import { totpProvisioning } from "../../../auth/totp.js";
import { nowSeconds } from "../../../db-errors.js";
import { setFlash } from "../../cookies.js";
import { WebError } from "../../errors.js";
import { type FieldErrors, fieldErrorsFrom, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { Csrf, Field, FormError, when } from "../../ui.js";
import { SettingsNav } from "./nav.js";

const isIpHost = (host: string) => /^[\d.]+$|^\[/.test(host);

function PasswordAgain({ csrf, action, label, errors }: { csrf: string; action: string; label: string; errors?: FieldErrors }) {
  return (
    <form method="post" action={action} class="row" novalidate>
      <Csrf token={csrf} />
      <Field name="password" label="Password" type="password" errors={errors} required autocomplete="current-password" />
      <button type="submit" class="danger">{label}</button>
    </form>
  );
}

function BackupCodes({ codes }: { codes: string[] }) {
  return (
    <div class="card" role="status">
      <h2>Your backup codes</h2>
      <p>Each works once, instead of a code from your app or a passkey. Keep them somewhere safe: they are shown only now.</p>
      <ul data-testid="backup-codes">{codes.map((code) => <li><code>{code}</code></li>)}</ul>
      <button type="button" class="secondary" data-copy={codes.join("\n")}>Copy all</button>
    </div>
  );
}

async function page(c: Context<WebEnv>, opts: { errors?: FieldErrors; codes?: string[]; status?: 401 | 422 } = {}) {
  const user = currentUser(c);
  const { db, config } = c.var;
  const now = nowSeconds();
  const factors = await secondFactors(db, user.id);
  const rp = relyingParty(config.appUrl, config.appName);
  const keys = await listPasskeys(db, user.id);
  const totp = factors.totp ? null : totpProvisioning(await pendingTotpSecret(db, user.id, config.appSecret, now), config.appName, user.username);
  let options: string | null = null;
  if (!isIpHost(rp.id) && c.var.session) {
    const opts = await registrationOptions(db, { id: user.id, username: user.username }, rp);
    await setSessionChallenge(db, c.var.session.id, opts.challenge);
    options = JSON.stringify(opts);
  }
  const csrf = c.var.csrfToken;
  const body = (
    <>
      <h1>Two-factor authentication</h1>
      <SettingsNav current="/settings/2fa" />
      <FormError errors={opts.errors} />
      {opts.codes ? <BackupCodes codes={opts.codes} /> : null}
      <section class="card" aria-labelledby="totp">
        <h2 id="totp">Authenticator app {factors.totp ? <span class="badge ok">On</span> : <span class="badge">Off</span>}</h2>
        {totp ? (
          <>
            <p>Scan this code with an authenticator app (or type the key), then enter the 6-digit code it shows.</p>
            <p class="qr"><img src={totp.qrDataUrl} alt="QR code of your two-factor key" width={192} height={192} /></p>
            <p>Key: <code data-testid="totp-secret">{new URL(totp.uri).searchParams.get("secret")}</code></p>
            <form method="post" action="/settings/2fa/totp" class="row" novalidate>
              <Csrf token={csrf} />
              <Field name="code" label="Code from the app" errors={opts.errors} required inputmode="numeric" autocomplete="one-time-code" maxlength={7} />
              <button type="submit">Turn on</button>
            </form>
          </>
        ) : <PasswordAgain csrf={csrf} action="/settings/2fa/totp/disable" label="Turn off" />}
      </section>
      <section class="card" aria-labelledby="passkeys">
        <h2 id="passkeys">Passkeys and security keys</h2>
        {keys.length ? (
          <table class="stack">
            <thead><tr><th scope="col">Name</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
            <tbody>{keys.map((k) => (
              <tr><td data-label="Name">{k.name}</td><td data-label="Added">{when(k.createdAt)}</td><td data-label="Last used">{when(k.lastUsedAt)}</td>
                <td><details><summary>Remove</summary><PasswordAgain csrf={csrf} action={`/settings/2fa/passkeys/${k.id}/delete`} label={`Remove ${k.name}`} /></details></td></tr>
            ))}</tbody>
          </table>
        ) : <p>None yet.</p>}
        {options ? (
          <form method="post" action="/settings/2fa/passkeys" data-webauthn="register" data-options={options} class="row" novalidate>
            <Csrf token={csrf} />
            <input type="hidden" name="response" value="" />
            <Field name="name" label="Name for the new passkey" errors={opts.errors} required maxlength={100} placeholder="Laptop" />
            <button type="submit" data-start hidden>Add a passkey</button>
            <p class="hint" data-status role="status"></p>
            <noscript><p class="hint">Adding a passkey needs JavaScript.</p></noscript>
          </form>
        ) : <p class="hint">Passkeys need the dashboard to be served from a domain name (WebAuthn does not accept IP addresses).</p>}
      </section>
      {factors.totp || keys.length ? (
        <section class="card" aria-labelledby="codes">
          <h2 id="codes">Backup codes</h2>
          <p>{factors.backupCodes} unused.</p>
          <form method="post" action="/settings/2fa/backup-codes" data-confirm="Replace your backup codes? The old ones stop working.">
            <Csrf token={csrf} />
            <button type="submit" class="secondary">Make new backup codes</button>
          </form>
        </section>
      ) : null}
    </>
  );
  return render(c, "Two-factor authentication", body, { status: opts.status ?? (opts.errors ? 422 : 200), scripts: options ? ["passkeys"] : [] });
}

async function requirePassword(c: Context<WebEnv>): Promise<FieldErrors | null> {
  const form = await readForm(c, z.object({ password: z.string().min(1, "Enter your password.").max(200) }));
  if (!form.ok) return form.errors;
  return (await checkAccountPassword(c.var.db, currentUser(c).id, form.data.password)) ? null : { form: "The password is not right." };
}

export const twoFactorRoutes = userRouter()
  .get("/", (c) => page(c))
  .post("/totp", async (c) => {
    const form = await readForm(c, z.object({ code: z.string().trim().min(1, "Enter the code from your app.").max(10) }));
    if (!form.ok) return page(c, { errors: form.errors });
    try {
      const codes = await confirmTotp(c.var.db, currentUser(c).id, form.data.code, c.var.config.appSecret, nowSeconds());
      return page(c, { codes });
    } catch (err) {
      return page(c, { errors: fieldErrorsFrom(err) });
    }
  })
  .post("/totp/disable", async (c) => {
    const errors = await requirePassword(c);
    if (errors) return page(c, { errors });
    await disableTotp(c.var.db, currentUser(c).id, nowSeconds());
    setFlash(c, { kind: "ok", text: "The authenticator app is turned off." });
    return c.redirect("/settings/2fa", 303);
  })
  .post("/backup-codes", async (c) => {
    const user = currentUser(c);
    const factors = await secondFactors(c.var.db, user.id);
    if (!factors.totp && factors.passkeys === 0) throw new WebError(409, "Turn on a second factor first.");
    return page(c, { codes: await regenerateBackupCodes(c.var.db, user.id, nowSeconds()) });
  })
  .post("/passkeys", async (c) => {
    const user = currentUser(c);
    const { db, config, session } = c.var;
    const form = await readForm(c, z.object({ name: z.string().trim().min(1, "Give the passkey a name.").max(100), response: z.string().min(2, "The browser gave no answer.").max(20_000) }));
    if (!form.ok) return page(c, { errors: form.errors });
    const challenge = session?.challenge;
    if (!challenge || !session) return page(c, { errors: { form: "Start again: the request expired." } });
    await setSessionChallenge(db, session.id, null);
    try {
      await registerPasskey(db, user.id, { response: form.data.response, name: form.data.name, expectedChallenge: challenge }, relyingParty(config.appUrl, config.appName), nowSeconds());
    } catch (err) {
      return page(c, { errors: fieldErrorsFrom(err, { response: "form" }) });
    }
    const factors = await secondFactors(db, user.id);
    if (factors.backupCodes === 0) return page(c, { codes: await regenerateBackupCodes(db, user.id, nowSeconds()) });
    setFlash(c, { kind: "ok", text: `Passkey “${form.data.name}” added.` });
    return c.redirect("/settings/2fa", 303);
  })
  .post("/passkeys/:id/delete", async (c) => {
    const errors = await requirePassword(c);
    if (errors) return page(c, { errors });
    await deletePasskey(c.var.db, currentUser(c).id, c.req.param("id"));
    setFlash(c, { kind: "ok", text: "Passkey removed." });
    return c.redirect("/settings/2fa", 303);
  });
