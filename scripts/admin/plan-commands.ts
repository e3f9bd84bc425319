/**
 * The admin CLI's plan commands (worker/routes/internal/admin-plans.ts): show plans, change a plan's
 * limits, move an account to another plan. Merged into the CLI's command table by ./commands.ts.
 *
 * @example
 *   npm run admin -- plan:set free --bandwidth 20MB --aliases-per-hour 15
 *   npm run admin -- plan:set lite --recipients unlimited
 *   npm run admin -- user:plan jane pro
 */
import type { Command } from "./commands.js";
import { adminCall } from "./target.js";

/** CLI flag → plan field, with how its value is read and shown. */
const LIMIT_FLAGS = {
  "bandwidth": { field: "bandwidthBytes", label: "bandwidth a month", size: true },
  "shared-aliases": { field: "sharedDomainAliases", label: "active shared-domain aliases", size: false },
  "recipients": { field: "recipients", label: "recipients", size: false },
  "custom-domains": { field: "customDomains", label: "custom domains", size: false },
  "usernames": { field: "usernames", label: "usernames besides the own", size: false },
  "rules": { field: "rules", label: "rules", size: false },
  "replies-per-day": { field: "repliesPerDay", label: "replies + sends a day", size: false },
  "aliases-per-hour": { field: "aliasesPerHour", label: "new aliases an hour", size: false },
} as const;

type Plan = { name: string; paid: boolean } & Record<(typeof LIMIT_FLAGS)[keyof typeof LIMIT_FLAGS]["field"], number | null>;

const UNITS: Record<string, number> = { "": 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/**
 * A limit as typed: `unlimited`, a whole number, or for sizes a number with `KB`/`MB`/`GB`/`TB`
 * (binary: 10MB = 10,485,760 bytes, as addy.io counts).
 * @throws Error naming the flag
 */
export function parseLimit(flag: string, raw: string, size: boolean): number | null {
  if (/^(unlimited|none)$/i.test(raw.trim())) return null;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?b)?$/i.exec(raw.trim());
  const unit = m?.[2]?.toLowerCase() ?? "";
  if (!m || (!size && unit !== "") || (unit === "" && m[1]!.includes("."))) {
    throw new Error(`--${flag} must be ${size ? "a size such as 10MB or 1GB (or bytes)" : "a whole number"}, or "unlimited"`);
  }
  return Math.round(Number(m[1]) * UNITS[unit]!);
}

const show = (flag: keyof typeof LIMIT_FLAGS, v: number | null) => (v === null
  ? "unlimited"
  : LIMIT_FLAGS[flag].size ? `${+(v / 1024 ** 2).toFixed(2)} MB` : String(v));

/** One plan as text lines. */
function describe(p: Plan): string {
  const lines = (Object.keys(LIMIT_FLAGS) as (keyof typeof LIMIT_FLAGS)[])
    .map((flag) => `  ${LIMIT_FLAGS[flag].label.padEnd(30)} ${show(flag, p[LIMIT_FLAGS[flag].field])}   (--${flag})`);
  return [`${p.name} (${p.paid ? "paid: may use paid-only shared domains" : "unpaid"})`, ...lines].join("\n");
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === "string" ? v : undefined);

export const PLAN_COMMANDS: Record<string, Command> = {
  "plan:show": {
    usage: "[<plan>]", summary: "show every plan's limits (or one plan's)",
    positionals: 0, options: {}, needsWorker: true,
    async run({ target, args }) {
      const r = await adminCall<{ plans: Plan[] }>(target!, "plans/show", args[0] ? { name: args[0] } : {});
      return { text: r.plans.map(describe).join("\n\n"), json: r };
    },
  },
  "plan:set": {
    usage: `<plan> [--paid true|false] ${Object.keys(LIMIT_FLAGS).map((f) => `[--${f} <n|unlimited>]`).join(" ")}`,
    summary: "change a plan's limits; takes effect at once for every account on it",
    positionals: 1,
    options: { paid: { type: "string" }, ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((f) => [f, { type: "string" as const }])) },
    needsWorker: true,
    async run({ target, args, options }) {
      const body: Record<string, unknown> = { name: args[0] };
      const paid = str(options.paid);
      if (paid !== undefined) {
        if (!/^(true|false)$/.test(paid)) throw new Error("--paid must be true or false");
        body.paid = paid === "true";
      }
      for (const [flag, spec] of Object.entries(LIMIT_FLAGS)) {
        const raw = str(options[flag]);
        if (raw !== undefined) body[spec.field] = parseLimit(flag, raw, spec.size);
      }
      if (Object.keys(body).length === 1) throw new Error("nothing to change: give at least one of --paid, " + Object.keys(LIMIT_FLAGS).map((f) => `--${f}`).join(", "));
      const plan = await adminCall<Plan>(target!, "plans/set", body);
      return { text: `plan ${plan.name} changed:\n${describe(plan)}`, json: plan };
    },
  },
  "user:plan": {
    usage: "<username> <plan>", summary: "move an account to another plan (aliases on paid-only domains are switched off / back on)",
    positionals: 2, options: {}, needsWorker: true,
    async run({ target, args }) {
      const r = await adminCall<{ userId: string; plan: string; deactivated: number; restored: number }>(target!, "users/plan", { username: args[0], plan: args[1] });
      const notes = [r.deactivated ? `${r.deactivated} alias(es) on paid-only domains deactivated` : "", r.restored ? `${r.restored} alias(es) restored` : ""].filter(Boolean);
      return { text: `${args[0]} is on plan ${r.plan} now${notes.length ? ` (${notes.join(", ")})` : ""}`, json: r };
    },
  },
};
