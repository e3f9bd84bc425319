/**
 * `GET/POST /signup`: a new account from a username, an e-mail (its first recipient, verified by a
 * signed link sent through the outbox) and a password. The new account is signed in at once; mail is
 * forwarded only after the address is verified.
 */
import { z } from "zod";
import { createUser } from "../../accounts/users.js";
import { hitRateLimit } from "../../accounts/rate-limits.js";
import { PASSWORD_RULE } from "../../accounts/passwords.js";
import { resendVerification } from "../../accounts/recipients.js";
import { nowSeconds } from "../../db-errors.js";
import { serviceHostLabels } from "../../domain/username.js";
import { setFlash } from "../cookies.js";
import { type FieldErrors, type FormValues, fieldErrorsFrom, readForm } from "../forms.js";
import { render } from "../layout.js";
import { clientIp, webRouter } from "../router.js";
import { beginSession, mailContext } from "../session-cookie.js";
import { Csrf, Field, FormError } from "../ui.js";

/** New accounts allowed per client IP per hour. */
const SIGNUPS_PER_IP_PER_HOUR = 10;

const SignupForm = z.object({
  username: z.string().trim().min(1, "Choose a username.").max(20, "At most 20 letters or digits."),
  email: z.string().trim().min(3, "Enter your e-mail address.").max(254, "That address is too long."),
  password: z.string().min(PASSWORD_RULE.min, `At least ${PASSWORD_RULE.min} characters.`).max(PASSWORD_RULE.max, `At most ${PASSWORD_RULE.max} characters.`),
  password_confirmation: z.string(),
}).refine((f) => f.password === f.password_confirmation, { path: ["password_confirmation"], message: "The two passwords differ." });

function SignupPage({ csrf, values = {}, errors }: { csrf: string; values?: FormValues; errors?: FieldErrors }) {
  return (
    <div class="card narrow">
      <h1>Create your account</h1>
      <FormError errors={errors} />
      <form method="post" action="/signup" novalidate>
        <Csrf token={csrf} />
        <Field name="username" label="Username" value={values.username} errors={errors} required maxlength={20} autocomplete="username"
          hint="1 to 20 letters or digits. It gives you aliases like anything@username.<domain>, and it can never be used again by anyone, even after you delete your account." />
        <Field name="email" label="Your real e-mail address" type="email" value={values.email} errors={errors} required autocomplete="email"
          hint="Mail to your aliases is forwarded here. We send a link to check it." />
        <Field name="password" label="Password" type="password" errors={errors} required autocomplete="new-password" hint={`At least ${PASSWORD_RULE.min} characters.`} />
        <Field name="password_confirmation" label="Password again" type="password" errors={errors} required autocomplete="new-password" />
        <button type="submit">Create account</button>
      </form>
      <p>Already have an account? <a href="/login">Log in</a>.</p>
    </div>
  );
}

export const signupRoutes = webRouter()
  .get("/", (c) => (c.var.user ? c.redirect("/dashboard", 303) : render(c, "Sign up", <SignupPage csrf={c.var.csrfToken} />)))
  .post("/", async (c) => {
    const form = await readForm(c, SignupForm);
    const again = (errors: FieldErrors, status: 422 | 429 = 422) =>
      render(c, "Sign up", <SignupPage csrf={c.var.csrfToken} values={form.values} errors={errors} />, { status });
    if (!form.ok) return again(form.errors);
    const now = nowSeconds();
    const ip = clientIp(c);
    if (ip && !(await hitRateLimit(c.var.db, `signup-ip:${ip}`, SIGNUPS_PER_IP_PER_HOUR, 3600, now)).allowed) {
      return again({ form: "Too many new accounts from your network. Please try again later." }, 429);
    }
    let ids;
    try {
      ids = await createUser(c.var.db, {
        username: form.data.username, recipientEmail: form.data.email, password: form.data.password, plan: c.var.config.defaultPlan, verified: false,
        reservedNames: serviceHostLabels(c.var.config.mailDns, c.var.config.appUrl),
      }, now);
    } catch (err) {
      return again(fieldErrorsFrom(err, { recipient: "email" }));
    }
    await resendVerification(c.var.db, ids.userId, ids.recipientId, now, mailContext(c));
    await beginSession(c, ids.userId, "active");
    setFlash(c, { kind: "ok", text: `Welcome! We sent a link to ${form.data.email.trim()}: open it to start receiving mail.` });
    return c.redirect("/dashboard", 303);
  });
