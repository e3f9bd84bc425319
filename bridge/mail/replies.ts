/** The bridge's view of the one SMTP reply catalogue (common/smtp-replies.ts). */
export { SMTP_REPLIES as REPLIES, type SmtpReplyName as ReplyName } from "../../common/smtp-replies.js";
