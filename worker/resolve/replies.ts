/** Resolution's view of the one SMTP reply catalogue (common/smtp-replies.ts). */
export { SMTP_REPLIES as RESOLVE_REPLIES } from "../../common/smtp-replies.js";
