/**
 * Reading what comes back to VERP addresses (bridge/bounce/dsn.ts): RFC 3464 DSNs as Postfix and
 * Exchange write them, folded fields, encoded report parts, delayed-only reports, ARF spam complaints,
 * and everything else (auto-replies) as `other`.
 */
import { describe, expect, it } from "vitest";
import { parseBounce } from "../../bridge/bounce/dsn.js";

const report = (status: string, opts: { reportType?: string; cte?: string; head?: string[] } = {}) => Buffer.from([
  "From: MAILER-DAEMON@mx.example.net", "To: b_x@veilmail.test", "Subject: Undelivered Mail Returned to Sender", "MIME-Version: 1.0",
  `Content-Type: multipart/report; report-type=${opts.reportType ?? "delivery-status"};`, '\tboundary="B1"', ...(opts.head ?? []), "",
  "This is a MIME-encapsulated message.", "",
  "--B1", "Content-Type: text/plain", "", "Your message could not be delivered.", "",
  "--B1", `Content-Type: ${opts.reportType === "feedback-report" ? "message/feedback-report" : "message/delivery-status"}`,
  ...(opts.cte ? [`Content-Transfer-Encoding: ${opts.cte}`] : []), "",
  opts.cte === "base64" ? Buffer.from(status).toString("base64") : status,
  "--B1", "Content-Type: text/rfc822-headers", "", "From: shop@demo.veilmail.test", "Subject: hi", "",
  "--B1--", "",
].join("\r\n"));

const POSTFIX = [
  "Reporting-MTA: dns; mx.example.net", "X-Postfix-Queue-ID: 4Zx1", "Arrival-Date: Mon,  2 Mar 2026 10:00:00 +0000", "",
  "Final-Recipient: rfc822; jo@mailbox.example", "Original-Recipient: rfc822;jo@mailbox.example", "Action: failed", "Status: 5.1.1",
  "Remote-MTA: dns; mx.mailbox.example", "Diagnostic-Code: smtp; 550 5.1.1 <jo@mailbox.example>: Recipient address",
  "    rejected: User unknown in virtual mailbox table", "",
].join("\r\n");

describe("parseBounce", () => {
  it("reads a Postfix DSN: recipient, status, remote MTA and the folded diagnostic", async () => {
    expect(await parseBounce(report(POSTFIX))).toEqual({
      kind: "dsn",
      failed: [{
        recipient: "jo@mailbox.example", status: "5.1.1", remoteMta: "mx.mailbox.example", bounceType: "hard",
        diagnostic: "550 5.1.1 <jo@mailbox.example>: Recipient address rejected: User unknown in virtual mailbox table",
      }],
    });
  });

  it("reads a base64-encoded report part and falls back to Reporting-MTA", async () => {
    const status = ["Reporting-MTA: dns;EXCH01.corp.example", "", "Final-Recipient: rfc822;jo@corp.example", "Action: failed",
      "Status: 5.7.1", "Diagnostic-Code: smtp;550 5.7.1 Message rejected as spam by Content Filtering", ""].join("\r\n");
    const result = await parseBounce(report(status, { cte: "base64" }));
    expect(result).toMatchObject({ kind: "dsn", failed: [{ recipient: "jo@corp.example", status: "5.7.1", remoteMta: "EXCH01.corp.example", bounceType: "spam" }] });
  });

  it("calls a failure with a 4.x.x status soft, and ignores delayed, delivered and relayed recipients", async () => {
    const status = ["Reporting-MTA: dns; mx.example.net", "",
      "Final-Recipient: rfc822; a@x.example", "Action: delayed", "Status: 4.4.1", "",
      "Final-Recipient: rfc822; b@x.example", "Action: delivered", "Status: 2.0.0", "",
      "Final-Recipient: rfc822; c@x.example", "Action: failed", "Status: 4.4.7", "Diagnostic-Code: X-Postfix; delivery temporarily suspended", ""].join("\r\n");
    expect(await parseBounce(report(status))).toMatchObject({ kind: "dsn", failed: [{ recipient: "c@x.example", status: "4.4.7", bounceType: "soft" }] });
    const delayedOnly = ["Reporting-MTA: dns; mx.example.net", "", "Final-Recipient: rfc822; a@x.example", "Action: delayed", "Status: 4.4.1", ""].join("\r\n");
    expect(await parseBounce(report(delayedOnly))).toEqual({ kind: "dsn", failed: [] });
  });

  it("reads an ARF feedback report as a spam complaint", async () => {
    const arf = ["Feedback-Type: abuse", "User-Agent: SomeGenerator/1.0", "Version: 1", "Original-Rcpt-To: <jo@mailbox.example>", "Reporting-MTA: dns; fbl.mailbox.example", ""].join("\r\n");
    expect(await parseBounce(report(arf, { reportType: "feedback-report" }))).toEqual({
      kind: "feedback",
      failed: [{ recipient: "jo@mailbox.example", status: "5.7.1", diagnostic: "abuse report from SomeGenerator/1.0", remoteMta: "fbl.mailbox.example", bounceType: "spam" }],
    });
  });

  it("calls everything else other: an auto-reply, a plain-text bounce, another report type, a report without its part", async () => {
    const plain = (head: string[]) => Buffer.from([...head, "", "I am out of the office until Monday.", ""].join("\r\n"));
    expect(await parseBounce(plain(["From: alice@sender.example", "Subject: Out of office", "Auto-Submitted: auto-replied"]))).toEqual({ kind: "other" });
    expect(await parseBounce(plain(["From: MAILER-DAEMON@old.example", "Subject: failure notice"]))).toEqual({ kind: "other" });
    expect(await parseBounce(report(POSTFIX, { reportType: "disposition-notification" }))).toEqual({ kind: "other" });
    const noPart = Buffer.from(["Content-Type: multipart/report; report-type=delivery-status; boundary=X", "", "--X", "Content-Type: text/plain", "", "hi", "--X--", ""].join("\r\n"));
    expect(await parseBounce(noPart)).toEqual({ kind: "other" });
  });
});
