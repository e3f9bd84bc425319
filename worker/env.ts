/**
 * The Worker's configuration: Cloudflare bindings (vars and secrets from wrangler.toml / `wrangler secret
 * put`), parsed once per isolate with zod. Nothing else reads `env`.
 *
 * | binding          | kind   | meaning |
 * |------------------|--------|---------|
 * | DATABASE_URL     | secret | PlanetScale URL `https://user:pass@host` (production) or the local simulator `http://user:pass@127.0.0.1:PORT` |
 * | BRIDGE_SECRETS   | secret | `mx1=<secret>,mx2=<secret>`: one HMAC secret per bridge |
 * | ADMIN_SECRET     | secret | HMAC secret of the admin CLI (node name `admin`) |
 * | APP_URL          | var    | public base URL of the dashboard, e.g. `https://app.veilmail.example` |
 * | APP_NAME         | var    | product name shown to users (default `Veilmail`) |
 * | APP_SECRET       | secret | key material for session CSRF tokens, signed links and TOTP secrets at rest (≥ 32 chars; default: ADMIN_SECRET, always through HKDF with a per-use label, so no key is shared) |
 * | SESSION_TTL_HOURS | var   | a dashboard session ends after this long without a request (default 336 = 14 days) |
 * | LOGIN_LIMIT_PER_IP / LOGIN_LIMIT_PER_ACCOUNT | var | login attempts allowed per window from one IP (20) / per login as typed, known or not (10) |
 * | LOGIN_LIMIT_WINDOW_MINUTES | var | length of that window (15) |
 * | DOH_URL          | var    | DNS-over-HTTPS resolver (JSON API) for custom-domain checks (default Cloudflare's) |
 * | MAIL_DOMAIN      | var    | the service's own mail domain; the defaults below derive from it (default `veilmail.test`) |
 * | MX_HOSTS         | var    | MX hosts custom domains publish, priority 10, 20, … in order (default `mx1.<MAIL_DOMAIN>,mx2.<MAIL_DOMAIN>`) |
 * | SPF_INCLUDE      | var    | the SPF `include:` custom domains publish (default `spf.<MAIL_DOMAIN>`) |
 * | API_RATE_LIMIT_PER_MINUTE | var | requests one API token may make per minute (default 60, addy.io's) |
 * | DEFAULT_PLAN     | var    | plan of accounts made by sign-up, and by `admin -- user:create` without `--plan` (default `free`; plans: worker/plans/) |
 * | DKIM_SELECTOR    | var    | DKIM selector the bridges sign with; custom domains CNAME `<selector>._domainkey` to ours (default `veilmail`) |
 */
import { z } from "zod";
import { parseSecrets } from "../common/signature.js";

const EnvSchema = z.object({
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a URL (PlanetScale or the local simulator)" }),
  BRIDGE_SECRETS: z.string().min(1, "BRIDGE_SECRETS is required: mx1=<secret>,mx2=<secret>"),
  ADMIN_SECRET: z.string().min(16, "ADMIN_SECRET must be at least 16 characters"),
  APP_URL: z.string().url().default("http://localhost:8787"),
  APP_NAME: z.string().default("Veilmail"),
  APP_SECRET: z.string().min(32, "APP_SECRET must be at least 32 characters").optional(),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(336),
  LOGIN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(20),
  LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_LIMIT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  DOH_URL: z.string().url().default("https://cloudflare-dns.com/dns-query"),
  MAIL_DOMAIN: z.string().min(1).default("veilmail.test"),
  MX_HOSTS: z.string().optional(),
  SPF_INCLUDE: z.string().optional(),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  DEFAULT_PLAN: z.string().min(1).max(32).default("free"),
  DKIM_SELECTOR: z.string().regex(/^[a-z0-9-]+$/i).default("veilmail"),
});

/** Parsed configuration. */
export interface Config {
  databaseUrl: string;
  /** Node name → HMAC secret, for bridges and for `admin`. */
  internalSecrets: ReadonlyMap<string, string>;
  /** Names of bridge nodes (every entry of BRIDGE_SECRETS). */
  bridgeNodes: ReadonlySet<string>;
  appUrl: string;
  appName: string;
  /** Input keying material for the dashboard's keys (see worker/auth/keys.ts; always used through HKDF). */
  appSecret: string;
  sessionTtlSeconds: number;
  loginLimits: { perIp: number; perAccount: number; windowSeconds: number };
  dohUrl: string;
  /** Requests per API token per minute. */
  apiRateLimitPerMinute: number;
  /** Plan name of new accounts (sign-up; admin user:create without a plan). Aliases per hour are a plan's limit. */
  defaultPlan: string;
  /** What custom domains must publish (the records page and its DNS check). */
  mailDns: { mxHosts: string[]; spfInclude: string; dkimSelector: string; dkimTarget: string };
}

/** Raw bindings as Cloudflare passes them. */
export type Bindings = Record<string, unknown>;

let cached: { raw: Bindings; config: Config } | undefined;

/**
 * Parses the bindings (memoised per isolate, keyed by the bindings object).
 * @throws Error naming the first bad binding; the app answers 500 BAD_ENVIRONMENT.
 */
export function parseEnv(raw: Bindings): Config {
  if (cached?.raw === raw) return cached.config;
  const result = EnvSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`bad environment: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const env = result.data;
  const bridgeSecrets = parseSecrets(env.BRIDGE_SECRETS);
  if (bridgeSecrets.has("admin")) throw new Error("bad environment: BRIDGE_SECRETS must not name a node 'admin'");
  const internalSecrets = new Map(bridgeSecrets);
  internalSecrets.set("admin", env.ADMIN_SECRET);
  const config: Config = {
    databaseUrl: env.DATABASE_URL,
    internalSecrets,
    bridgeNodes: new Set(bridgeSecrets.keys()),
    appUrl: env.APP_URL.replace(/\/$/, ""),
    appName: env.APP_NAME,
    appSecret: env.APP_SECRET ?? env.ADMIN_SECRET,
    sessionTtlSeconds: env.SESSION_TTL_HOURS * 3600,
    loginLimits: { perIp: env.LOGIN_LIMIT_PER_IP, perAccount: env.LOGIN_LIMIT_PER_ACCOUNT, windowSeconds: env.LOGIN_LIMIT_WINDOW_MINUTES * 60 },
    dohUrl: env.DOH_URL,
    apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    defaultPlan: env.DEFAULT_PLAN,
    mailDns: {
      mxHosts: (env.MX_HOSTS ?? `mx1.${env.MAIL_DOMAIN},mx2.${env.MAIL_DOMAIN}`).split(",").map((h) => h.trim().toLowerCase()).filter(Boolean),
      spfInclude: env.SPF_INCLUDE ?? `spf.${env.MAIL_DOMAIN}`,
      dkimSelector: env.DKIM_SELECTOR,
      dkimTarget: `${env.DKIM_SELECTOR}._domainkey.${env.MAIL_DOMAIN}`,
    },
  };
  cached = { raw, config };
  return config;
}
