/**
 * addy.io's resources as zod schemas: the shapes the serializers produce (serializers.ts is typed by
 * them) and the OpenAPI components. Field order is addy.io's; dates are `YYYY-MM-DD HH:MM:SS` UTC.
 */
import { z } from "zod";

/** `YYYY-MM-DD HH:MM:SS` in UTC (Laravel's `toDateTimeString`). */
export const DateTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/).describe("UTC, `YYYY-MM-DD HH:MM:SS`");
const Id = z.string().describe("UUID");

export const Recipient = z.object({
  id: Id,
  user_id: Id,
  email: z.string(),
  can_reply_send: z.boolean(),
  should_encrypt: z.boolean(),
  inline_encryption: z.boolean(),
  protected_headers: z.boolean(),
  remove_pgp_keys: z.boolean(),
  remove_pgp_signatures: z.boolean(),
  fingerprint: z.string().nullable(),
  email_verified_at: DateTime.nullable(),
  aliases: z.array(z.never()).describe("always empty"),
  aliases_count: z.number().int().optional().describe("present when counted"),
  created_at: DateTime,
  updated_at: DateTime,
});

export const Alias = z.object({
  id: Id,
  user_id: Id,
  aliasable_id: Id.nullable(),
  aliasable_type: z.enum(["App\\Models\\Username", "App\\Models\\Domain"]).nullable(),
  local_part: z.string(),
  extension: z.string().nullable(),
  domain: z.string(),
  email: z.string(),
  active: z.boolean(),
  pinned: z.boolean(),
  description: z.string().nullable(),
  from_name: z.string().nullable(),
  attached_recipients_only: z.boolean(),
  emails_forwarded: z.number().int(),
  emails_blocked: z.number().int(),
  emails_replied: z.number().int(),
  emails_sent: z.number().int(),
  recipients: z.array(Recipient),
  last_forwarded: DateTime.nullable(),
  last_blocked: DateTime.nullable(),
  last_replied: DateTime.nullable(),
  last_sent: DateTime.nullable(),
  created_at: DateTime,
  updated_at: DateTime,
  deleted_at: DateTime.nullable(),
});

export const Domain = z.object({
  id: Id,
  user_id: Id,
  domain: z.string(),
  description: z.string().nullable(),
  from_name: z.string().nullable(),
  aliases: z.array(z.never()),
  aliases_count: z.number().int(),
  default_recipient: Recipient.nullable(),
  active: z.boolean(),
  catch_all: z.boolean(),
  auto_create_regex: z.string().nullable(),
  domain_verified_at: DateTime.nullable(),
  domain_mx_validated_at: DateTime.nullable(),
  domain_sending_verified_at: DateTime.nullable(),
  created_at: DateTime,
  updated_at: DateTime,
});

export const Username = z.object({
  id: Id,
  user_id: Id,
  username: z.string(),
  description: z.string().nullable(),
  from_name: z.string().nullable(),
  aliases: z.array(z.never()),
  aliases_count: z.number().int(),
  default_recipient: Recipient.nullable(),
  active: z.boolean(),
  catch_all: z.boolean(),
  auto_create_regex: z.string().nullable(),
  can_login: z.boolean(),
  created_at: DateTime,
  updated_at: DateTime,
});

const count = z.number().int();
export const User = z.object({
  id: Id,
  username: z.string(),
  from_name: z.string().nullable(),
  email_subject: z.string().nullable(),
  banner_location: z.enum(["top", "bottom", "off"]),
  spam_warning_behaviour: z.string().nullable(),
  bandwidth: count.describe("bytes forwarded this month"),
  bandwidth_limit: count.describe("bytes a month the plan allows; 0: unlimited"),
  username_count: count,
  username_limit: count.describe("usernames the plan allows, the account's own included; 0: unlimited"),
  default_username_id: Id,
  default_recipient_id: Id,
  default_alias_domain: z.string(),
  default_alias_format: z.string(),
  alias_separator: z.string(),
  recipient_count: count,
  active_domain_count: count,
  active_shared_domain_alias_count: count,
  active_rule_count: count,
  total_emails_forwarded: count,
  total_emails_blocked: count,
  total_emails_replied: count,
  total_emails_sent: count,
  total_aliases: count,
  total_active_aliases: count,
  total_inactive_aliases: count,
  total_pinned_aliases: count,
  total_deleted_aliases: count,
  subscription: z.string().describe("the plan: free, lite, pro, or one the operator made"),
  recipient_limit: count.nullable().describe("recipients the plan allows; null: unlimited"),
  active_domain_limit: count.nullable().describe("active custom domains the plan allows; null: unlimited"),
  active_shared_domain_alias_limit: count.nullable().describe("active aliases on shared domains the plan allows; null: unlimited"),
  active_rule_limit: count.nullable().describe("active rules the plan allows; null: unlimited"),
  created_at: DateTime,
  updated_at: DateTime,
});

export const FailedDelivery = z.object({
  id: Id,
  user_id: Id,
  recipient_id: Id.nullable(),
  recipient_email: z.string().nullable(),
  alias_id: Id.nullable(),
  alias_email: z.string().nullable(),
  bounce_type: z.string(),
  remote_mta: z.string().nullable(),
  sender: z.string().nullable(),
  destination: z.string().nullable(),
  ir_dedupe_key: z.string().nullable(),
  type: z.enum(["inbound", "outbound", "inbound_quarantined"]),
  email_type: z.string(),
  email_type_text: z.string(),
  status: z.string().nullable(),
  code: z.string().nullable(),
  is_stored: z.boolean(),
  quarantined: z.boolean(),
  resent: z.boolean(),
  attempted_at: DateTime,
  created_at: DateTime,
  updated_at: DateTime,
});

/** Laravel's paginator envelope around `item`. */
export function paginated<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    links: z.object({ first: z.string(), last: z.string(), prev: z.string().nullable(), next: z.string().nullable() }),
    meta: z.object({
      current_page: count,
      from: count.nullable(),
      last_page: count,
      links: z.array(z.object({ url: z.string().nullable(), label: z.string(), active: z.boolean() })),
      path: z.string(),
      per_page: count,
      to: count.nullable(),
      total: count,
    }),
  });
}

/** `{data: item}`. */
export const dataOf = <T extends z.ZodType>(item: T) => z.object({ data: item });
/** `{data: [item]}`. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

export const Message = z.object({ message: z.string() });
export const ValidationError = z.object({ message: z.string(), errors: z.record(z.string(), z.array(z.string())) });
export const BulkResult = z.object({ message: z.string(), ids: z.array(Id) });

/** Request body `{id}` of the toggle routes (`POST /active-aliases` …). */
export const IdBody = z.object({ id: z.string().max(64) });
/** Request body `{ids: [...]}` of the bulk routes (1–25 UUIDs). */
export const IdsBody = z.object({ ids: z.array(z.uuid()).min(1).max(25) });

/** The components the OpenAPI document names (openapi.ts). */
export const ADDY_COMPONENTS = { Alias, Recipient, Domain, Username, User, FailedDelivery, Message, ValidationError, BulkResult } as const;
