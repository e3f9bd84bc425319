/**
 * Rows → SimpleLogin's JSON (its v2 alias serializer and mailbox objects). Ids are our UUID strings
 * where SimpleLogin has integers: the clients only pass them back in paths and bodies.
 */
import { z } from "zod";
import type { AliasWithRecipients, RecipientRow } from "../../../accounts/aliases.js";

export const SlMailbox = z.object({ id: z.string(), email: z.string() });

export const SlAlias = z.object({
  id: z.string(),
  email: z.string(),
  creation_date: z.string().describe("`YYYY-MM-DD HH:MM:SS+00:00`"),
  creation_timestamp: z.number().int(),
  enabled: z.boolean(),
  note: z.string().nullable(),
  name: z.string().nullable(),
  nb_forward: z.number().int(),
  nb_block: z.number().int(),
  nb_reply: z.number().int(),
  mailbox: SlMailbox,
  mailboxes: z.array(SlMailbox),
  support_pgp: z.boolean(),
  disable_pgp: z.boolean(),
  latest_activity: z.null(),
  pinned: z.boolean(),
});

/** A created alias: the object plus `alias`, its address. */
export const SlCreatedAlias = SlAlias.extend({ alias: z.string() });

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * SimpleLogin's alias object. `mailboxes` are the attached recipients, or the default recipient when
 * none is attached (`fallback`); `latest_activity` is null (contacts are not tracked per alias).
 */
export function slAliasJson({ alias, recipients }: AliasWithRecipients, fallback: RecipientRow | null): z.infer<typeof SlAlias> {
  const boxes = (recipients.length > 0 ? recipients : fallback ? [fallback] : []).map((r) => ({ id: r.id, email: r.email }));
  return {
    id: alias.id,
    email: alias.email,
    creation_date: `${alias.createdAt.toISOString().slice(0, 19).replace("T", " ")}+00:00`,
    creation_timestamp: seconds(alias.createdAt),
    enabled: alias.active,
    note: alias.description,
    name: alias.fromName,
    nb_forward: alias.emailsForwarded,
    nb_block: alias.emailsBlocked,
    nb_reply: alias.emailsReplied,
    mailbox: boxes[0] ?? { id: "", email: "" },
    mailboxes: boxes,
    support_pgp: false,
    disable_pgp: false,
    latest_activity: null,
    pinned: alias.pinned,
  };
}

/** The alias object plus `alias` (what Bitwarden reads). */
export function slCreatedJson(a: AliasWithRecipients, fallback: RecipientRow | null): z.infer<typeof SlCreatedAlias> {
  return { ...slAliasJson(a, fallback), alias: a.alias.email };
}
