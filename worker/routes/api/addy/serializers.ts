/**
 * Rows → addy.io's JSON resources (schemas.ts), field for field and in addy.io's order.
 */
import type { z } from "zod";
import type { AccountSummary } from "../../../accounts/account.js";
import type { AliasWithRecipients, RecipientRow } from "../../../accounts/aliases.js";
import type { DomainView } from "../../../accounts/custom-domains.js";
import type { FailedDeliveryView } from "../../../accounts/failed-deliveries.js";
import type { RecipientView } from "../../../accounts/recipients.js";
import type { UsernameView } from "../../../accounts/usernames.js";
import type * as S from "./schemas.js";

/** `YYYY-MM-DD HH:MM:SS` in UTC (Laravel's `toDateTimeString`). */
export function dateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}
const maybe = (date: Date | null): string | null => (date ? dateTime(date) : null);

/**
 * A recipient. Encryption is not offered (yet), so the PGP flags are all false and no key is stored.
 * @param aliasCount included as `aliases_count` when given
 */
export function recipientJson(recipient: RecipientRow, aliasCount: number | null = null): z.infer<typeof S.Recipient> {
  return {
    id: recipient.id,
    user_id: recipient.userId,
    email: recipient.email,
    can_reply_send: recipient.canReplySend,
    should_encrypt: recipient.shouldEncrypt,
    inline_encryption: false,
    protected_headers: false,
    remove_pgp_keys: false,
    remove_pgp_signatures: false,
    fingerprint: recipient.fingerprint,
    email_verified_at: maybe(recipient.emailVerifiedAt),
    aliases: [],
    ...(aliasCount === null ? {} : { aliases_count: aliasCount }),
    created_at: dateTime(recipient.createdAt),
    updated_at: dateTime(recipient.updatedAt),
  };
}

export const recipientViewJson = (v: RecipientView) => recipientJson(v.recipient, v.aliasCount);

/** An alias with its recipients; `aliasable_*` name its username or custom domain (null: shared domain). */
export function aliasJson({ alias, recipients, owner }: AliasWithRecipients): z.infer<typeof S.Alias> {
  return {
    id: alias.id,
    user_id: alias.userId ?? "",
    aliasable_id: owner === "username" ? alias.usernameId : owner === "custom" ? alias.domainId : null,
    aliasable_type: owner === "username" ? "App\\Models\\Username" : owner === "custom" ? "App\\Models\\Domain" : null,
    local_part: alias.localPart,
    extension: alias.extension,
    domain: alias.domain,
    email: alias.email,
    active: alias.active,
    pinned: alias.pinned,
    description: alias.description,
    from_name: alias.fromName,
    attached_recipients_only: alias.attachedRecipientsOnly,
    emails_forwarded: alias.emailsForwarded,
    emails_blocked: alias.emailsBlocked,
    emails_replied: alias.emailsReplied,
    emails_sent: alias.emailsSent,
    recipients: recipients.map((r) => recipientJson(r)),
    last_forwarded: maybe(alias.lastForwarded),
    last_blocked: maybe(alias.lastBlocked),
    last_replied: maybe(alias.lastReplied),
    last_sent: maybe(alias.lastSent),
    created_at: dateTime(alias.createdAt),
    updated_at: dateTime(alias.updatedAt),
    deleted_at: maybe(alias.deletedAt),
  };
}

/** A custom domain. Ownership and MX are verified together, so both dates are the verification's. */
export function domainJson({ domain, aliasCount, defaultRecipient }: DomainView): z.infer<typeof S.Domain> {
  return {
    id: domain.id,
    user_id: domain.userId ?? "",
    domain: domain.domain,
    description: domain.description,
    from_name: domain.fromName,
    aliases: [],
    aliases_count: aliasCount,
    default_recipient: defaultRecipient ? recipientJson(defaultRecipient) : null,
    active: domain.active,
    catch_all: domain.catchAll,
    auto_create_regex: null,
    domain_verified_at: maybe(domain.verifiedAt),
    domain_mx_validated_at: maybe(domain.verifiedAt),
    domain_sending_verified_at: null,
    created_at: dateTime(domain.createdAt),
    updated_at: dateTime(domain.updatedAt),
  };
}

export function usernameJson({ username, aliasCount, defaultRecipient }: UsernameView): z.infer<typeof S.Username> {
  return {
    id: username.id,
    user_id: username.userId ?? "",
    username: username.username,
    description: username.description,
    from_name: username.fromName,
    aliases: [],
    aliases_count: aliasCount,
    default_recipient: defaultRecipient ? recipientJson(defaultRecipient) : null,
    active: username.active,
    catch_all: username.catchAll,
    auto_create_regex: null,
    can_login: username.canLogin,
    created_at: dateTime(username.createdAt),
    updated_at: dateTime(username.updatedAt),
  };
}

/**
 * The account (`account-details`) with its plan's limits (worker/plans/), read at this request.
 * `bandwidth_limit` and `username_limit` are 0 when unlimited (addy.io's convention, which the apps show
 * as "no limit"); `username_limit` counts the account's own username, as `username_count` does. The
 * hosted-only `*_limit` fields are null when unlimited. Rules do not exist yet: `active_rule_count` is 0.
 */
export function userJson(a: AccountSummary, fallbackDomain: string): z.infer<typeof S.User> {
  const u = a.user;
  const p = a.plan;
  return {
    id: u.id,
    username: a.username,
    from_name: u.fromName,
    email_subject: null,
    banner_location: u.bannerLocation === "bottom" || u.bannerLocation === "off" ? u.bannerLocation : "top",
    spam_warning_behaviour: null,
    bandwidth: a.bandwidthThisMonth,
    bandwidth_limit: p.bandwidthBytes ?? 0,
    username_count: a.usernameCount,
    username_limit: p.usernames === null ? 0 : p.usernames + 1,
    default_username_id: u.defaultUsernameId ?? "",
    default_recipient_id: u.defaultRecipientId ?? "",
    default_alias_domain: a.defaultAliasDomain ?? fallbackDomain,
    default_alias_format: u.defaultAliasFormat,
    alias_separator: u.aliasSeparator,
    recipient_count: a.recipientCount,
    active_domain_count: a.activeDomainCount,
    active_shared_domain_alias_count: a.activeSharedDomainAliasCount,
    active_rule_count: 0,
    total_emails_forwarded: a.totals.forwarded,
    total_emails_blocked: a.totals.blocked,
    total_emails_replied: a.totals.replied,
    total_emails_sent: a.totals.sent,
    total_aliases: a.totals.aliases,
    total_active_aliases: a.totals.active,
    total_inactive_aliases: a.totals.inactive,
    total_pinned_aliases: a.totals.pinned,
    total_deleted_aliases: a.totals.deleted,
    subscription: p.name,
    recipient_limit: p.recipients,
    active_domain_limit: p.customDomains,
    active_shared_domain_alias_limit: p.sharedDomainAliases,
    active_rule_limit: p.rules,
    created_at: dateTime(u.createdAt),
    updated_at: dateTime(u.updatedAt),
  };
}

const EMAIL_TYPE_TEXT: Record<string, string> = { F: "Forward", R: "Reply", S: "Send", N: "Notification" };

/** A failed delivery; all stored ones are outbound and their message is not kept (`is_stored` false). */
export function failedDeliveryJson({ delivery: d, aliasEmail, recipientEmail }: FailedDeliveryView): z.infer<typeof S.FailedDelivery> {
  return {
    id: d.id,
    user_id: d.userId,
    recipient_id: d.recipientId,
    recipient_email: recipientEmail,
    alias_id: d.aliasId,
    alias_email: aliasEmail,
    bounce_type: d.bounceType,
    remote_mta: d.remoteMta,
    sender: d.sender,
    destination: d.destination,
    ir_dedupe_key: null,
    type: "outbound",
    email_type: d.emailType,
    email_type_text: EMAIL_TYPE_TEXT[d.emailType] ?? d.emailType,
    status: d.status,
    code: d.code,
    is_stored: false,
    quarantined: false,
    resent: false,
    attempted_at: dateTime(d.attemptedAt),
    created_at: dateTime(d.createdAt),
    updated_at: dateTime(d.updatedAt),
  };
}
