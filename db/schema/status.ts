/**
 * Availability: what the MX bridges say about themselves (heartbeats), service-wide settings such as
 * maintenance mode, the status page's checks (raw, and per UTC day for the 90-day bars) and the
 * operator's incidents.
 */
import {
  boolean, char, datetime, index, int, mysqlTable, primaryKey, text, varchar,
} from "drizzle-orm/mysql-core";
import { uuidPk } from "./columns.js";

/** One row per bridge, replaced by each heartbeat (every 30 s by default). */
export const mxNodes = mysqlTable("mx_nodes", {
  /** The bridge's NODE_NAME (`mx1`), as authenticated by its request signature. */
  name: varchar("name", { length: 32 }).primaryKey(),
  /** `primary` or `backup`. */
  role: varchar("role", { length: 16 }).notNull(),
  version: varchar("version", { length: 64 }).notNull(),
  /** Host name the bridge announces (its HOSTNAME). */
  hostname: varchar("hostname", { length: 253 }).notNull(),
  queueDepth: int("queue_depth", { unsigned: true }).notNull(),
  /** Age of the oldest queued message at the beat, in seconds; null when the queue is empty. */
  oldestQueuedSeconds: int("oldest_queued_seconds", { unsigned: true }),
  /**
   * How long the most overdue queue entry has been waiting past its due time, in seconds (0: the queue
   * runner keeps up). Deferred mail waiting for its next retry is not overdue.
   */
  overdueSeconds: int("overdue_seconds", { unsigned: true }).notNull().default(0),
  /** Recipients delivered since the previous successful beat. */
  deliveries: int("deliveries", { unsigned: true }).notNull(),
  /** Delivery attempts that did not deliver (deferred or failed) since the previous successful beat. */
  failures: int("failures", { unsigned: true }).notNull(),
  /** Whether the bridge itself believes maintenance mode is on (it holds its queue). */
  holding: boolean("holding").notNull().default(false),
  startedAt: datetime("started_at", { mode: "date" }).notNull(),
  lastSeenAt: datetime("last_seen_at", { mode: "date" }).notNull(),
});

/** Service-wide settings as JSON values, e.g. `maintenance` → `{"on":true,"since":…,"until":…}`. */
export const serviceSettings = mysqlTable("service_settings", {
  name: varchar("name", { length: 64 }).primaryKey(),
  value: text("value").notNull(),
  updatedAt: datetime("updated_at", { mode: "date" }).notNull(),
});

/** One row per component per cron run (every minute); kept 7 days for latency history. */
export const statusChecks = mysqlTable("status_checks", {
  id: uuidPk(),
  /** `landing`, `webapp`, `api`, `database`, or a bridge name (`mx1`). */
  component: varchar("component", { length: 32 }).notNull(),
  /** `up`, `degraded`, `down`, `maintenance`. */
  state: varchar("state", { length: 16 }).notNull(),
  latencyMs: int("latency_ms", { unsigned: true }),
  detail: varchar("detail", { length: 255 }),
  checkedAt: datetime("checked_at", { mode: "date" }).notNull(),
}, (t) => [index("status_checks_component_idx").on(t.component, t.checkedAt), index("status_checks_checked_idx").on(t.checkedAt)]);

/** Per-component, per-UTC-day counts of checks by state: the 90-day uptime bars. */
export const statusDaily = mysqlTable("status_daily", {
  component: varchar("component", { length: 32 }).notNull(),
  /** `YYYY-MM-DD` (UTC). */
  day: char("day", { length: 10 }).notNull(),
  up: int("up", { unsigned: true }).notNull().default(0),
  degraded: int("degraded", { unsigned: true }).notNull().default(0),
  down: int("down", { unsigned: true }).notNull().default(0),
  maintenance: int("maintenance", { unsigned: true }).notNull().default(0),
  /** First check of the day: the bar counts minutes from here (monitoring may start mid-day). */
  firstCheckAt: datetime("first_check_at", { mode: "date" }).notNull(),
}, (t) => [primaryKey({ columns: [t.component, t.day] })]);

/** Incidents posted by the operator (`npm run admin -- incident:open`). */
export const incidents = mysqlTable("incidents", {
  id: uuidPk(),
  title: varchar("title", { length: 200 }).notNull(),
  /** `minor`, `major`, `critical`. */
  impact: varchar("impact", { length: 16 }).notNull(),
  /** `investigating`, `identified`, `monitoring`, `resolved`. */
  status: varchar("status", { length: 16 }).notNull(),
  /** Comma-separated component keys affected (may be empty). */
  components: varchar("components", { length: 255 }).notNull().default(""),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
  updatedAt: datetime("updated_at", { mode: "date" }).notNull(),
  resolvedAt: datetime("resolved_at", { mode: "date" }),
}, (t) => [index("incidents_created_idx").on(t.createdAt)]);

export const incidentUpdates = mysqlTable("incident_updates", {
  id: uuidPk(),
  incidentId: char("incident_id", { length: 36 }).notNull(),
  status: varchar("status", { length: 16 }).notNull(),
  message: text("message").notNull(),
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
}, (t) => [index("incident_updates_incident_idx").on(t.incidentId, t.createdAt)]);
