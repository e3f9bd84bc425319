/**
 * Column spreads shared by every table: UUID primary keys and UTC timestamps.
 *
 * All timestamps are `DATETIME` (second precision, UTC; the server runs with `time_zone = '+00:00'`)
 * so they print as addy.io's `YYYY-MM-DD HH:MM:SS` without conversion.
 */
import { char, datetime } from "drizzle-orm/mysql-core";

/** `id CHAR(36)`: a UUID v4 made by the application (`crypto.randomUUID()`), never by the database. */
export const uuidPk = () => char("id", { length: 36 }).primaryKey();

/** A nullable or required reference to another table's UUID. */
export const uuidRef = (name: string) => char(name, { length: 36 });

/** `created_at` / `updated_at`, both required and set by the application. */
export const timestamps = {
  createdAt: datetime("created_at", { mode: "date" }).notNull(),
  updatedAt: datetime("updated_at", { mode: "date" }).notNull(),
};
