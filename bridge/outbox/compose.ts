/**
 * Composing a Worker-originated message (an outbox row) into RFC 5322 bytes with nodemailer's
 * MailComposer: From the configured no-reply address, a Message-ID on its domain naming the outbox row,
 * Date when it was queued, and `Auto-Submitted: auto-generated` (RFC 3834 §5) so that well-behaved
 * auto-responders never answer it.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import type { OutboxMessage } from "../../common/internal-api.js";

/**
 * @param from the no-reply address, optionally with a display name: `Veilmail <no-reply@example.net>`
 * @param domain the no-reply address's domain (Message-ID right-hand side)
 * @returns the message with CRLF line endings, ready to spool and sign
 * @example await composeNotification(msg, { from: "Veilmail <no-reply@veilmail.test>", domain: "veilmail.test" })
 */
export async function composeNotification(msg: OutboxMessage, opts: { from: string; domain: string }): Promise<Buffer> {
  const composer = new MailComposer({
    from: opts.from,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    ...(msg.html ? { html: msg.html } : {}),
    messageId: `<${msg.id}@${opts.domain}>`,
    date: new Date(msg.createdAt),
    headers: {
      "Auto-Submitted": "auto-generated",
      // Microsoft's equivalent of RFC 3834 for Exchange/Outlook auto-replies.
      "X-Auto-Response-Suppress": "All",
    },
  });
  return composer.compile().build();
}
