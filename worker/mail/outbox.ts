/**
 * Queueing mail the Worker sends (see db/schema/outbox.ts for how it reaches a bridge).
 */
import type { Db } from "../../db/client.js";
import { mailOutbox } from "../../db/schema/index.js";

export type MailCategory = "verification" | "password_reset" | "notification" | "newsletter" | "alert";

/** A message to send from the service's no-reply address. */
export interface OutgoingMail {
  /** One mailbox, e.g. a recipient being verified or an account's default recipient. */
  to: string;
  subject: string;
  /** Plain-text body (always present); `html` is the optional alternative. */
  text: string;
  html?: string | undefined;
  category: MailCategory;
  userId?: string | null | undefined;
  aliasId?: string | null | undefined;
}

/**
 * Queues `mail` for the next bridge poll (within seconds while a bridge is up; it waits in the table
 * while none is).
 * @returns the outbox row id
 */
export async function enqueueMail(db: Pick<Db, "insert">, mail: OutgoingMail, now: Date): Promise<string> {
  const id = crypto.randomUUID();
  await db.insert(mailOutbox).values({
    id, toAddress: mail.to, subject: mail.subject.slice(0, 255), textBody: mail.text, htmlBody: mail.html ?? null,
    category: mail.category, userId: mail.userId ?? null, aliasId: mail.aliasId ?? null, createdAt: now,
  });
  return id;
}
