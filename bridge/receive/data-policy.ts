/**
 * The end-of-DATA policy (issue 3): after the message is read and before it is spooled, the targets
 * collected at RCPT become what the queue will do:
 *
 * - loops are broken (./policy/loops.ts);
 * - mail to VERP addresses becomes a bounce record, a forward of an auto-reply, or nothing
 *   (./policy/bounces.ts, bridge/bounce/dsn.ts);
 * - replies and sends are checked: sender, authentication (mailauth, bridge/auth/), To/Cc
 *   (./policy/replies.ts);
 * - token-form reverse aliases are issued or looked up in one Worker call, only when the message needs
 *   them, so that the transforms after the spool stay pure.
 *
 * Throws a temporary MailError (451) when the Worker or DNS cannot answer: the sending MTA keeps the
 * message and retries; nothing has been accepted yet.
 */
import { decodeTokenReverseAlias, needsToken } from "../../common/reverse-alias.js";
import type { Authenticator } from "../auth/authenticate.js";
import { parseBounce } from "../bounce/dsn.js";
import type { Logger } from "../log.js";
import type { Envelope, RcptTarget, ReplyTarget, Target } from "../mail/types.js";
import type { ReverseAliasClient } from "../resolve/reverse-aliases.js";
import { parseHeaderFields, type ParsedHeaders } from "../transform/parse.js";
import { decideBounce } from "./policy/bounces.js";
import { breakLoops } from "./policy/loops.js";
import { decideReplies } from "./policy/replies.js";

export interface DataPolicyOptions {
  authenticate: Authenticator;
  reverseAliases: ReverseAliasClient;
  /** Our notification sender (NOTIFY_FROM's address): mail from it to an alias is a loop. */
  notifyAddress: string;
  log: Logger;
}

/**
 * The message at the end of DATA as the policy sees it: its header section in memory, the rest only on
 * request (it is being written to the spool, bridge/spool/spool-writer.ts; most messages never need it).
 */
export interface ReceivedMessage {
  /** The header section through the empty line that ends it (the whole message when it has none). */
  header: Buffer;
  /** Octets in the whole message. */
  size: number;
  /** The whole message (for the checks that read the body: DSNs, DKIM of replies). */
  read(): Promise<Buffer>;
}

/** Turns the RCPT-time targets into the targets to spool (possibly none: then nothing is spooled). */
export type DataPolicy = (targets: RcptTarget[], message: ReceivedMessage, envelope: Envelope) => Promise<Target[]>;

/** @example const policy = createDataPolicy({ authenticate, reverseAliases, notifyAddress, log }) */
export function createDataPolicy(options: DataPolicyOptions): DataPolicy {
  return async (rcptTargets, message, envelope) => {
    const parsed = await parseHeaderFields(message.header);
    const size = message.size;
    let whole: Promise<Buffer> | undefined;
    const raw = () => (whole ??= message.read());
    let targets: Target[] = [];
    const replies: ReplyTarget[] = [];
    for (const t of rcptTargets) {
      if (t.kind === "bounce") {
        const kept = decideBounce(t, await parseBounce(await raw()), envelope.mailFrom, size);
        if (kept) targets.push(kept);
        options.log.info({ outbound: t.bounce.outboundId, kept: kept?.kind ?? "nothing" }, "receive:bounce");
      } else if (t.kind === "reply") {
        replies.push(t);
      } else {
        targets.push(t);
      }
    }
    targets = breakLoops(targets, envelope, options.notifyAddress, size);

    const lookups = await lookupTokens(options.reverseAliases, targets, replies, parsed, envelope);
    if (replies.length > 0) {
      const auth = await options.authenticate(await raw(), { clientIp: envelope.clientIp, helo: envelope.heloName, mailFrom: envelope.mailFrom });
      const decided = decideReplies(replies, parsed, envelope, size, auth, lookups.decoded);
      options.log.info({ replies: replies.length, dmarc: auth.dmarc, spf: auth.spf.result, kept: decided.map((d) => d.kind) }, "receive:reply-checked");
      targets.push(...decided);
    }
    return targets.map((t) => (t.kind === "forward" && lookups.encoded.has(t.plan.aliasId)
      ? { ...t, tokens: lookups.encoded.get(t.plan.aliasId)! } : t));
  };
}

/** Addresses a forward writes as reverse aliases: Reply-To, From, To, Cc and the envelope sender. */
function correspondents(parsed: ParsedHeaders, envelope: Envelope): string[] {
  const all = [...parsed.replyTo, ...parsed.from, ...parsed.to, ...parsed.cc].map((m) => m.address);
  if (envelope.mailFrom) all.push(envelope.mailFrom);
  return [...new Set(all)];
}

async function lookupTokens(
  client: ReverseAliasClient, targets: Target[], replies: ReplyTarget[], parsed: ParsedHeaders, envelope: Envelope,
): Promise<{ encoded: Map<string, Record<string, string>>; decoded: Map<string, { aliasId: string | null; sender: string | null }> }> {
  const encode: { aliasId: string; sender: string }[] = [];
  for (const t of targets) {
    if (t.kind !== "forward") continue;
    for (const sender of correspondents(parsed, envelope)) {
      let long = false;
      try { long = needsToken(t.plan.aliasEmail, sender); } catch { long = false; }
      if (long) encode.push({ aliasId: t.plan.aliasId, sender });
    }
  }
  const decode = replies.length === 0 ? [] : [...new Set([...parsed.to, ...parsed.cc].map((m) => m.address.toLowerCase()))]
    .filter((a) => decodeTokenReverseAlias(a) !== null);
  const encoded = new Map<string, Record<string, string>>();
  const decoded = new Map<string, { aliasId: string | null; sender: string | null }>();
  if (encode.length === 0 && decode.length === 0) return { encoded, decoded };
  const answer = await client.lookup({ encode: encode.slice(0, 100), decode: decode.slice(0, 100) });
  for (const e of answer.encoded) encoded.set(e.aliasId, { ...encoded.get(e.aliasId), [e.sender.toLowerCase()]: e.address });
  for (const d of answer.decoded) decoded.set(d.address.toLowerCase(), { aliasId: d.aliasId, sender: d.sender });
  return { encoded, decoded };
}
