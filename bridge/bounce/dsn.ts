/**
 * Reading bounces that come back to our VERP addresses: a delivery status notification (RFC 3464:
 * `multipart/report; report-type=delivery-status` with a `message/delivery-status` part) or a feedback
 * report (RFC 5965 ARF: `report-type=feedback-report`, a spam complaint). Anything else sent to a VERP
 * address (an auto-reply, a vacation notice, a non-standard bounce) is `other`: the caller forwards it
 * to the owner like mail to the alias.
 */
import { decodeQuotedPrintable } from "../transform/scrub-parts.js";
import { type MimeNode, parseMime } from "../transform/mime-tree.js";

/** One recipient of a DSN that failed. */
export interface FailedRecipient {
  /** The address from Final-Recipient (or Original-Recipient), null when absent. */
  recipient: string | null;
  /** Enhanced status code, e.g. `5.1.1`. */
  status: string;
  diagnostic: string | null;
  remoteMta: string | null;
  /** `hard` for a permanent failure, `soft` for a temporary one given up on, `spam` when refused as spam. */
  bounceType: "hard" | "soft" | "spam";
}

export type BounceReport =
  /** A DSN; `failed` lists only recipients with `Action: failed` (delayed, delivered, relayed are no failures). */
  | { kind: "dsn"; failed: FailedRecipient[] }
  | { kind: "feedback"; failed: FailedRecipient[] }
  | { kind: "other" };

const SPAM = /\b(spam|junk|blocklist|blacklist|block list|black list|reputation|abuse|unsolicited)\b/i;

/** The field blocks of a delivery-status body: per-message fields, then one block per recipient. */
function fieldBlocks(text: string): Map<string, string>[] {
  return text.replace(/\r\n/g, "\n").split(/\n[ \t]*\n/).map((block) => {
    const fields = new Map<string, string>();
    for (const line of block.replace(/\n[ \t]+/g, " ").split("\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return fields;
  }).filter((f) => f.size > 0);
}

/** `rfc822; a@b` → `a@b`; `dns; mx.example.com` → `mx.example.com`. */
const typed = (value: string | undefined): string | null => (value ? value.replace(/^[a-z0-9-]+;\s*/i, "").replace(/^<|>$/g, "").trim() || null : null);

function partBody(node: MimeNode): string {
  if (node.kind !== "leaf") return "";
  const cte = node.fields.find((f) => f.key === "content-transfer-encoding")?.value.toLowerCase() ?? "7bit";
  const bytes = cte === "base64" ? Buffer.from(node.body.toString("latin1"), "base64")
    : cte === "quoted-printable" ? decodeQuotedPrintable(node.body) : node.body;
  return bytes.toString("utf8");
}

/**
 * Classifies a message received at a VERP address.
 * @example (await parseBounce(raw)).kind // "dsn"
 */
export async function parseBounce(raw: Buffer): Promise<BounceReport> {
  const tree = await parseMime(raw);
  if (tree.kind !== "multipart" || tree.type !== "multipart/report") return { kind: "other" };
  const reportType = (tree.params["report-type"] ?? "").toLowerCase();
  const part = (type: string) => tree.parts.map((p) => p.node).find((n) => n.type === type);
  if (reportType === "feedback-report") {
    const fields = fieldBlocks(partBody(part("message/feedback-report") ?? tree))[0];
    const diagnostic = fields ? `${fields.get("feedback-type") ?? "abuse"} report${fields.get("user-agent") ? ` from ${fields.get("user-agent")}` : ""}` : "feedback report";
    return { kind: "feedback", failed: [{ recipient: typed(fields?.get("original-rcpt-to")), status: "5.7.1", diagnostic, remoteMta: typed(fields?.get("reporting-mta")), bounceType: "spam" }] };
  }
  if (reportType !== "delivery-status") return { kind: "other" };
  const status = part("message/delivery-status") ?? part("message/global-delivery-status");
  if (!status) return { kind: "other" };
  const [perMessage, ...perRecipient] = fieldBlocks(partBody(status));
  const failed: FailedRecipient[] = [];
  for (const r of perRecipient) {
    if ((r.get("action") ?? "").toLowerCase() !== "failed") continue;
    const code = /\d\.\d{1,3}\.\d{1,3}/.exec(r.get("status") ?? "")?.[0] ?? "5.0.0";
    const diagnostic = typed(r.get("diagnostic-code"));
    failed.push({
      recipient: typed(r.get("final-recipient") ?? r.get("original-recipient")),
      status: code,
      diagnostic,
      remoteMta: typed(r.get("remote-mta")) ?? typed(perMessage?.get("reporting-mta")),
      bounceType: code.startsWith("4") ? "soft" : SPAM.test(diagnostic ?? "") ? "spam" : "hard",
    });
  }
  return { kind: "dsn", failed };
}
