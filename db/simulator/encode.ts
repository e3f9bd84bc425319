/**
 * Encodes a mysql2 result as the `result` object of PlanetScale's `Execute` response
 * (Vitess `query.QueryResult` in protobuf JSON form, as @planetscale/database reads it):
 *
 *   { fields?: Field[], rows?: { lengths: string[], values?: base64 }[], rowsAffected?: "n", insertId?: "n" }
 *
 * Each row is the text-protocol bytes of its cells concatenated, with one length per cell (`"-1"` for
 * NULL). Numbers that are 64-bit in protobuf (`rowsAffected`, `insertId`, lengths) are decimal strings,
 * and zero values are left out, as protobuf JSON does (so a NULL_TYPE field carries no `type`).
 */
import type { FieldPacket, ResultSetHeader } from "mysql2";
import { BINARY_CHARSET, vitessType } from "./types.js";

/** One column as PlanetScale describes it (database-js `Field`). */
export interface PsField {
  name: string;
  type?: string;
  table?: string;
  orgTable?: string;
  database?: string;
  orgName?: string;
  columnLength?: number;
  charset?: number;
  decimals?: number;
  flags?: number;
}

/** One row: byte length of each cell (`"-1"` = NULL) and the cells' bytes, base64. */
export interface PsRow {
  lengths: string[];
  values?: string;
}

/** The `result` member of an Execute response. */
export interface PsResult {
  fields?: PsField[];
  rows?: PsRow[];
  rowsAffected?: string;
  insertId?: string;
}

/** A row as the simulator's mysql2 pool returns it: one Buffer (or null) per column. */
export type RawRow = (Buffer | null)[];

/** Encodes a result set (SELECT, SHOW, …) from mysql2's rows-as-arrays-of-Buffers and field packets. */
export function encodeRows(rows: RawRow[], fields: FieldPacket[]): PsResult {
  const result: PsResult = { fields: fields.map(encodeField) };
  if (rows.length > 0) result.rows = rows.map(encodeRow);
  return result;
}

/** Encodes the outcome of a statement without a result set (INSERT, UPDATE, DDL, BEGIN, …). */
export function encodeHeader(header: Pick<ResultSetHeader, "affectedRows" | "insertId">): PsResult {
  const result: PsResult = {};
  const affected = String(header.affectedRows ?? 0);
  const insertId = String(header.insertId ?? 0);
  if (affected !== "0") result.rowsAffected = affected;
  if (insertId !== "0") result.insertId = insertId;
  return result;
}

function encodeField(field: FieldPacket): PsField {
  const type = vitessType(field);
  const out: PsField = { name: field.name };
  if (type !== "NULL_TYPE") out.type = type;
  if (field.table) out.table = field.table;
  if (field.orgTable) out.orgTable = field.orgTable;
  if (field.schema) out.database = field.schema;
  if (field.orgName) out.orgName = field.orgName;
  if (field.columnLength) out.columnLength = field.columnLength;
  // MySQL 8 reports JSON as binary; MariaDB's LONGTEXT carries its text collation.
  const charset = type === "JSON" ? BINARY_CHARSET : field.characterSet;
  if (charset) out.charset = charset;
  if (field.decimals) out.decimals = field.decimals;
  if (typeof field.flags === "number" && field.flags !== 0) out.flags = field.flags;
  return out;
}

function encodeRow(row: RawRow): PsRow {
  const lengths: string[] = new Array(row.length);
  const cells: Buffer[] = [];
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    if (cell == null) {
      lengths[i] = "-1";
    } else {
      lengths[i] = String(cell.length);
      cells.push(cell);
    }
  }
  const bytes = cells.length === 1 ? cells[0]! : Buffer.concat(cells);
  return bytes.length > 0 ? { lengths, values: bytes.toString("base64") } : { lengths };
}
