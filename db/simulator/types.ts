/**
 * MySQL column metadata → Vitess `query.Type` names, as PlanetScale's HTTP API reports them.
 *
 * @planetscale/database casts by these names (dist/cast.js): INT64/UINT64, DECIMAL and the date/time
 * types stay strings; INT8..INT32, UINT8..UINT32 and YEAR become numbers; FLOAT32/64 numbers; JSON is
 * parsed; any other type with charset 63 (binary) becomes a Uint8Array; the rest is decoded as UTF-8.
 *
 * The mapping follows Vitess `sqltypes.MySQLToType` (go/sqltypes/type.go): the protocol type code gives
 * the base type, then UNSIGNED_FLAG turns INTn into UINTn and BINARY_FLAG turns VARCHAR/CHAR/TEXT into
 * VARBINARY/BINARY/BLOB (so a utf8mb4_bin CHAR is "BINARY" with a text charset, exactly as in
 * database-js's golden/database.json). MariaDB reports JSON columns and JSON functions as LONGTEXT; the
 * MariaDB extended metadata (`format=json`, read by mysql2) restores the JSON type MySQL 8 reports.
 */
import type { FieldPacket } from "mysql2";

/** MySQL protocol column type codes (include/mysql_com.h, enum_field_types). */
const BASE_TYPE: Readonly<Record<number, string>> = {
  0: "DECIMAL", 1: "INT8", 2: "INT16", 3: "INT32", 4: "FLOAT32", 5: "FLOAT64", 6: "NULL_TYPE",
  7: "TIMESTAMP", 8: "INT64", 9: "INT24", 10: "DATE", 11: "TIME", 12: "DATETIME", 13: "YEAR",
  14: "DATE", 15: "VARCHAR", 16: "BIT", 245: "JSON", 246: "DECIMAL", 247: "ENUM", 248: "SET",
  249: "TEXT", 250: "TEXT", 251: "TEXT", 252: "TEXT", 253: "VARCHAR", 254: "CHAR", 255: "GEOMETRY",
};

const UNSIGNED_FLAG = 32;
const BINARY_FLAG = 128;
const ENUM_FLAG = 256;
const SET_FLAG = 2048;
/** MySQL's charset/collation id for `binary`. */
export const BINARY_CHARSET = 63;

const UNSIGNED: Readonly<Record<string, string>> = {
  INT8: "UINT8", INT16: "UINT16", INT24: "UINT24", INT32: "UINT32", INT64: "UINT64",
};
const BINARY: Readonly<Record<string, string>> = { VARCHAR: "VARBINARY", CHAR: "BINARY", TEXT: "BLOB" };

/** The subset of mysql2's column metadata the mapping reads. */
export type ColumnMeta = Pick<FieldPacket, "columnType" | "flags" | "extendedFormat">;

/**
 * Vitess type name for one result column.
 *
 * @example vitessType({ columnType: 8, flags: 32 }) // "UINT64" (BIGINT UNSIGNED)
 * @example vitessType({ columnType: 252, flags: 144, extendedFormat: "json" }) // "JSON" (MariaDB JSON)
 */
export function vitessType(field: ColumnMeta): string {
  if (field.extendedFormat === "json") return "JSON";
  const flags = typeof field.flags === "number" ? field.flags : 0;
  const base = BASE_TYPE[field.columnType ?? 253] ?? "VARBINARY";
  if (flags & UNSIGNED_FLAG && UNSIGNED[base]) return UNSIGNED[base];
  if (base === "CHAR" && flags & ENUM_FLAG) return "ENUM";
  if (base === "CHAR" && flags & SET_FLAG) return "SET";
  if (flags & BINARY_FLAG && BINARY[base]) return BINARY[base];
  return base;
}
