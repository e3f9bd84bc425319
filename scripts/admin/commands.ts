/**
 * The admin CLI's commands: each names its arguments, calls the Worker's admin API (or, for
 * `dkim:show`, reads the DKIM key) and returns text and JSON forms of its result.
 */
import { readFileSync } from "node:fs";
import { dkimTxtRecord } from "../../bridge/sign/keys.js";
import { OPS_COMMANDS } from "./ops-commands.js";
import { PLAN_COMMANDS } from "./plan-commands.js";
import { type AdminTarget, adminCall, loadStack } from "./target.js";

export interface CommandContext {
  target: AdminTarget | null;
  args: string[];
  options: Record<string, string | boolean | undefined>;
}

export interface Command {
  usage: string;
  summary: string;
  positionals: number;
  options: Record<string, { type: "string" | "boolean" }>;
  needsWorker: boolean;
  run(ctx: CommandContext): Promise<{ text: string; json: unknown }>;
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === "string" ? v : undefined);

export const COMMANDS: Record<string, Command> = {
  "domain:add-shared": {
    usage: "<domain> [--paid-only]", summary: "serve a shared domain (and its username subdomains)",
    positionals: 1, options: { "paid-only": { type: "boolean" } }, needsWorker: true,
    async run({ target, args, options }) {
      const r = await adminCall<{ id: string; domain: string }>(target!, "shared-domains", { domain: args[0], paidOnly: options["paid-only"] === true });
      return { text: `shared domain ${r.domain} added${options["paid-only"] ? " (paid plans only)" : ""}`, json: r };
    },
  },
  "user:create": {
    usage: "<username> --recipient <email> [--password <pw>] [--plan <plan>]", summary: "create an account (plan: the Worker's DEFAULT_PLAN unless given); its recipient is verified",
    positionals: 1, options: { recipient: { type: "string" }, password: { type: "string" }, plan: { type: "string" } }, needsWorker: true,
    async run({ target, args, options }) {
      if (!str(options.recipient)) throw new Error("--recipient <email> is required");
      const r = await adminCall<{ userId: string }>(target!, "users", {
        username: args[0], recipient: options.recipient, password: str(options.password), plan: str(options.plan),
      });
      return { text: `user ${args[0]} created (id ${r.userId}), recipient ${options.recipient} verified`, json: r };
    },
  },
  "domain:add-custom": {
    usage: "<username> <domain> [--verified]", summary: "add a custom domain to an account",
    positionals: 2, options: { verified: { type: "boolean" } }, needsWorker: true,
    async run({ target, args, options }) {
      const r = await adminCall<{ id: string; domain: string }>(target!, "custom-domains", { username: args[0], domain: args[1], verified: options.verified === true });
      return { text: `custom domain ${r.domain} added to ${args[0]}${options.verified ? " (verified)" : " (not verified)"}`, json: r };
    },
  },
  "alias:create": {
    usage: "<username> <domain> [--local-part <x>]", summary: "create an alias; prints its address",
    positionals: 2, options: { "local-part": { type: "string" } }, needsWorker: true,
    async run({ target, args, options }) {
      const r = await adminCall<{ id: string; email: string }>(target!, "aliases", { username: args[0], domain: args[1], localPart: str(options["local-part"]) });
      return { text: r.email, json: r };
    },
  },
  "alias:deactivate": {
    usage: "<address>", summary: "switch an alias off (its mail is discarded)",
    positionals: 1, options: {}, needsWorker: true,
    async run({ target, args }) {
      const r = await adminCall<{ id: string; email: string }>(target!, "aliases/deactivate", { address: args[0] });
      return { text: `${r.email} deactivated`, json: r };
    },
  },
  "alias:activate": {
    usage: "<address>", summary: "switch an alias back on",
    positionals: 1, options: {}, needsWorker: true,
    async run({ target, args }) {
      const r = await adminCall<{ id: string; email: string }>(target!, "aliases/activate", { address: args[0] });
      return { text: `${r.email} activated`, json: r };
    },
  },
  "token:create": {
    usage: "<username> [--name <name>]", summary: "create an API token; prints it (shown once)",
    positionals: 1, options: { name: { type: "string" } }, needsWorker: true,
    async run({ target, args, options }) {
      const r = await adminCall<{ id: string; token: string }>(target!, "tokens", { username: args[0], name: str(options.name) ?? "admin" });
      return { text: r.token, json: r };
    },
  },
  "dkim:show": {
    usage: "[<domain>]", summary: "the DKIM selector and the TXT record to publish",
    positionals: 0, options: {}, needsWorker: false,
    async run({ args }) {
      const { selector, keyFile, defaultDomain } = dkimSettings();
      const domain = args[0] ?? defaultDomain;
      const txt = dkimTxtRecord(readFileSync(keyFile, "utf8"));
      const name = `${selector}._domainkey.${domain}`;
      return { text: `${name} TXT "${txt}"`, json: { selector, domain, name, txt } };
    },
  },
  ...OPS_COMMANDS,
  ...PLAN_COMMANDS,
};

/** DKIM_SELECTOR / DKIM_PRIVATE_KEY_FILE from the environment (as the bridge reads them), else the dev stack's. */
function dkimSettings(): { selector: string; keyFile: string; defaultDomain: string } {
  const env = process.env;
  if (env.DKIM_PRIVATE_KEY_FILE) {
    return { selector: env.DKIM_SELECTOR ?? "veilmail", keyFile: env.DKIM_PRIVATE_KEY_FILE, defaultDomain: env.DKIM_DOMAIN ?? "<domain>" };
  }
  const stack = loadStack();
  if (!stack) throw new Error("set DKIM_PRIVATE_KEY_FILE (and DKIM_SELECTOR), or start the local stack with `npm run dev`");
  return { selector: stack.dkimSelector, keyFile: stack.dkimKeyFile, defaultDomain: stack.sharedDomain };
}
