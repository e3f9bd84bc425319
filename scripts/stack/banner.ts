/**
 * What `npm run dev` prints once the stack is up: where each part listens and how to send and reply.
 * Every address and port comes from the running stack (so `DEV_PORT_OFFSET` shows in every example),
 * and the dashboard's address is APP_URL (`http://localhost:<port>`, where passkeys work).
 */
import type { StackInfo } from "./files.js";
import type { DemoAccount } from "./seed.js";

/**
 * The banner's text.
 * @param dbName the database the stack uses
 */
export function devBanner(info: StackInfo, demo: DemoAccount, dbName: string): string {
  const mx1 = info.mx.find((m) => m.name === "mx1") ?? info.mx[0]!;
  const mx2 = info.mx.find((m) => m.name === "mx2") ?? info.mx[1]!;
  const server = `${mx1.host}:${mx1.port}`;
  return `
Veilmail is running (database ${dbName}).
  Dashboard and REST API                 ${info.appUrl}
  Worker internal API (bridges, admin)   ${info.workerUrl}
  MX bridges                             mx1 ${server} (primary), mx2 ${mx2.host}:${mx2.port} (backup)
  Development sink                       127.0.0.1:${info.sinkPort} → ${info.outboxDir}/<id>.eml
  Demo account                           ${demo.username} (recipient ${demo.recipient}, password ${demo.password}, plan ${demo.plan})
  Shared domains                         ${demo.sharedDomain} (all plans), ${demo.paidDomain} (paid plans only; also ${demo.username}.${demo.paidDomain})

Send a first message (any local part works: the username's catch-all creates the alias):
  swaks --server ${server} --from alice@sender.example --to ${demo.sampleAlias} --header "Subject: hello"

Then look in ${info.outboxDir}/ for the forwarded, DKIM-signed message. Reply through its Reply-To
(the dev DNS zone lets ${demo.recipient} pass SPF and DMARC from this machine):
  swaks --server ${server} --from ${demo.recipient} --to hello+alice=sender.example@${demo.username}.${demo.sharedDomain} --header "Subject: Re: hello"
Operator commands: npm run admin -- help     Stop: Ctrl-C
`;
}
