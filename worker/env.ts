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
 */
import { z } from "zod";
import { parseSecrets } from "../common/signature.js";

const EnvSchema = z.object({
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a URL (PlanetScale or the local simulator)" }),
  BRIDGE_SECRETS: z.string().min(1, "BRIDGE_SECRETS is required: mx1=<secret>,mx2=<secret>"),
  ADMIN_SECRET: z.string().min(16, "ADMIN_SECRET must be at least 16 characters"),
  APP_URL: z.string().url().default("http://127.0.0.1:8787"),
  APP_NAME: z.string().default("Veilmail"),
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
  };
  cached = { raw, config };
  return config;
}
