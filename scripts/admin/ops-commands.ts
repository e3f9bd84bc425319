/**
 * The admin CLI's availability commands: maintenance mode (deferral) and status-page incidents. Merged
 * into the CLI's command table by ./commands.ts.
 */
import type { Command } from "./commands.js";
import { adminCall } from "./target.js";

const str = (v: string | boolean | undefined): string | undefined => (typeof v === "string" ? v : undefined);

function required(value: string | boolean | undefined, flag: string): string {
  const s = str(value);
  if (!s) throw new Error(`--${flag} is required`);
  return s;
}

interface Maintenance { on: boolean; until: string | null; since: string | null }

const describeMaintenance = (m: Maintenance) => (m.on
  ? `maintenance mode on${m.until ? ` until ${m.until}` : " until maintenance:off"}: both bridges answer 451 4.3.2 at RCPT and hold their queues (they learn it within one heartbeat)`
  : "maintenance mode off: the bridges accept and deliver again (within one heartbeat)");

export const OPS_COMMANDS: Record<string, Command> = {
  "maintenance:on": {
    usage: "[--minutes <n>]", summary: "defer all mail (451 4.3.2) and hold queued mail, optionally for n minutes",
    positionals: 0, options: { minutes: { type: "string" } }, needsWorker: true,
    async run({ target, options }) {
      const raw = str(options.minutes);
      const minutes = raw === undefined ? undefined : Number(raw);
      if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)) {
        throw new Error("--minutes must be a whole number from 1 to 1440");
      }
      const r = await adminCall<Maintenance>(target!, "maintenance", { on: true, minutes });
      return { text: describeMaintenance(r), json: r };
    },
  },
  "maintenance:off": {
    usage: "", summary: "end maintenance mode: accept and deliver again",
    positionals: 0, options: {}, needsWorker: true,
    async run({ target }) {
      const r = await adminCall<Maintenance>(target!, "maintenance", { on: false });
      return { text: describeMaintenance(r), json: r };
    },
  },
  "incident:open": {
    usage: "<title> --message <m> [--impact ..] [--components ..]",
    summary: "post an incident (--impact minor/major/critical, --components landing,webapp,api,database,mx1…, --status); prints its id",
    positionals: 1,
    options: { message: { type: "string" }, impact: { type: "string" }, components: { type: "string" }, status: { type: "string" } },
    needsWorker: true,
    async run({ target, args, options }) {
      const components = str(options.components)?.split(",").map((c) => c.trim()).filter(Boolean) ?? [];
      const r = await adminCall<{ id: string; status: string }>(target!, "incidents", {
        title: args[0], message: required(options.message, "message"), impact: str(options.impact), components, status: str(options.status),
      });
      return { text: r.id, json: r };
    },
  },
  "incident:update": {
    usage: "<id> --status <s> --message <m>", summary: "update an incident (status investigating/identified/monitoring/resolved)",
    positionals: 1, options: { status: { type: "string" }, message: { type: "string" } }, needsWorker: true,
    async run({ target, args, options }) {
      const r = await adminCall<{ id: string; status: string }>(target!, `incidents/${encodeURIComponent(args[0]!)}/updates`, {
        status: required(options.status, "status"), message: required(options.message, "message"),
      });
      return { text: `incident ${r.id} is now ${r.status}`, json: r };
    },
  },
  "incident:close": {
    usage: "<id> [--message <text>]", summary: "resolve an incident",
    positionals: 1, options: { message: { type: "string" } }, needsWorker: true,
    async run({ target, args, options }) {
      const r = await adminCall<{ id: string; status: string }>(target!, `incidents/${encodeURIComponent(args[0]!)}/close`, { message: str(options.message) });
      return { text: `incident ${r.id} resolved`, json: r };
    },
  },
};
