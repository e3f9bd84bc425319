/**
 * `GET/POST /settings`: default alias domain, format and separator, how forwarded mail shows the
 * sender (display-from format, Reply-To), the banner, and the from name for replies and sends.
 */
import type { Context } from "hono";
import { z } from "zod";
import { domainOptions } from "../../../accounts/domains.js";
import { BANNER_LOCATIONS, DEFAULT_FORMATS, DISPLAY_FROM_FORMATS, type Settings, getSettings, updateSettings } from "../../../accounts/settings.js";
import { nowSeconds } from "../../../db-errors.js";
import { ALIAS_SEPARATORS } from "../../../domain/alias-format.js";
import { displayNameSchema } from "../../../domain/display-name.js";
import { setFlash } from "../../cookies.js";
import { type FieldErrors, checked, fieldErrorsFrom, readForm } from "../../forms.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import type { WebEnv } from "../../types.js";
import { Checkbox, Csrf, Field, FormError, Select } from "../../ui.js";
import { SettingsNav } from "./nav.js";

export const FORMAT_LABELS: Record<string, string> = {
  random_characters: "Random characters (x7k2m9qa)", uuid: "UUID", random_words: "Random words (amber.falcon42)",
  random_male_name: "Random male name", random_female_name: "Random female name", random_noun: "Random noun (brave.otter417)", custom: "Custom",
};

const SettingsForm = z.object({
  default_alias_domain: z.string().max(253),
  default_alias_format: z.enum(DEFAULT_FORMATS as [string, ...string[]]),
  alias_separator: z.enum(ALIAS_SEPARATORS),
  display_from_format: z.coerce.number().int(),
  banner_location: z.enum(BANNER_LOCATIONS),
  use_reply_to: z.string().optional(),
  from_name: displayNameSchema(),
});

async function page(c: Context<WebEnv>, s: Settings, errors?: FieldErrors) {
  const user = currentUser(c);
  const options = await domainOptions(c.var.db, user.id);
  const body = (
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings" />
      <form method="post" action="/settings" class="card" novalidate>
        <Csrf token={c.var.csrfToken} />
        <FormError errors={errors} />
        <h2>New aliases</h2>
        <Select name="default_alias_domain" label="Default domain" value={s.defaultAliasDomain ?? ""} errors={errors}
          options={[["", "The first available"], ...options.map((o) => [o.domain, o.domain] as const)]} />
        <Select name="default_alias_format" label="Default format" value={s.defaultAliasFormat} errors={errors}
          options={DEFAULT_FORMATS.map((f) => [f, FORMAT_LABELS[f] ?? f] as const)} />
        <Select name="alias_separator" label="Separator in word and name formats" value={s.aliasSeparator} errors={errors}
          options={ALIAS_SEPARATORS.map((v) => [v, v === "random" ? "Random" : `"${v}"`] as const)} />
        <h2>Forwarded mail</h2>
        <Select name="display_from_format" label="Sender's name shows as" value={String(s.displayFromFormat)} errors={errors}
          options={DISPLAY_FROM_FORMATS.map(([v, label]) => [String(v), label] as const)} hint="For a message from Jane <jane@example.com>." />
        <Select name="banner_location" label="Banner naming the alias" value={s.bannerLocation} errors={errors}
          options={[["top", "At the top"], ["bottom", "At the bottom"], ["off", "Off"]]}
          hint="It names the alias, its description and the sender, with a link to deactivate the alias (valid 30 days). Signed or encrypted mail never gets one." />
        <Checkbox name="use_reply_to" label="Put the reply address in Reply-To and the alias in From" checked={s.useReplyTo}
          hint="Some mail programs show the sender better this way; replies still go through the alias." />
        <h2>Replies and sends</h2>
        <Field name="from_name" label="From name" value={s.fromName} errors={errors} maxlength={50}
          hint="Shown to the people you write to from an alias, unless the alias, username or domain has its own." />
        <button type="submit">Save settings</button>
      </form>
    </>
  );
  return render(c, "Settings", body, { status: errors ? 422 : 200 });
}

export const settingsRoutes = userRouter()
  .get("/", async (c) => page(c, await getSettings(c.var.db, currentUser(c).id)))
  .post("/", async (c) => {
    const user = currentUser(c);
    const form = await readForm(c, SettingsForm);
    const current = await getSettings(c.var.db, user.id);
    if (!form.ok) return page(c, current, form.errors);
    const f = form.data;
    const next: Settings = {
      defaultAliasDomain: f.default_alias_domain || null, defaultAliasFormat: f.default_alias_format as Settings["defaultAliasFormat"],
      aliasSeparator: f.alias_separator, displayFromFormat: f.display_from_format, bannerLocation: f.banner_location,
      useReplyTo: checked(f.use_reply_to), fromName: f.from_name,
    };
    try {
      await updateSettings(c.var.db, user.id, next, nowSeconds());
    } catch (err) {
      return page(c, next, fieldErrorsFrom(err));
    }
    setFlash(c, { kind: "ok", text: "Settings saved." });
    return c.redirect("/settings", 303);
  });
