/**
 * Values through the production driver path: @planetscale/database Client → PlanetScale simulator →
 * real MariaDB. Expected Vitess type names are PlanetScale's, as in database-js's golden/database.json
 * (captured from real PlanetScale); expected JS values are what the driver's cast makes of them.
 */
import { Client, type ExecutedQuery } from "@planetscale/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

let t: TestDatabase;
let client: Client;

beforeAll(async () => {
  t = await createTestDatabase();
  client = new Client({ url: t.psUrl });
  await client.execute(`CREATE TABLE kinds (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    i8 TINYINT, i16 SMALLINT, i24 MEDIUMINT, i32 INT, i64 BIGINT,
    u8 TINYINT UNSIGNED, u32 INT UNSIGNED, u64 BIGINT UNSIGNED,
    dec_ DECIMAL(20,6), f32 FLOAT, f64 DOUBLE,
    d DATE, dt DATETIME, dt3 DATETIME(3), ts TIMESTAMP NULL, tm TIME, yr YEAR,
    js JSON, vc VARCHAR(64), ch CHAR(4), tx TEXT, bl BLOB, vb VARBINARY(16), bn BINARY(4), bt BIT(3),
    en ENUM('a','b'), st SET('x','y'), flag BOOLEAN
  )`);
});

afterAll(async () => {
  await t?.close();
});

async function one(query: string, args?: unknown[]): Promise<{ row: Record<string, unknown>; res: ExecutedQuery }> {
  const res = await client.execute(query, args ?? null);
  expect(res.rows).toHaveLength(1);
  return { row: res.rows[0] as Record<string, unknown>, res };
}

describe("column types", () => {
  it("reports PlanetScale's Vitess type names for every column kind", async () => {
    const res = await client.execute("SELECT * FROM kinds LIMIT 0");
    expect(res.rows).toEqual([]);
    expect(res.types).toEqual({
      id: "INT32", i8: "INT8", i16: "INT16", i24: "INT24", i32: "INT32", i64: "INT64",
      u8: "UINT8", u32: "UINT32", u64: "UINT64", dec_: "DECIMAL", f32: "FLOAT32", f64: "FLOAT64",
      d: "DATE", dt: "DATETIME", dt3: "DATETIME", ts: "TIMESTAMP", tm: "TIME", yr: "YEAR",
      js: "JSON", vc: "VARCHAR", ch: "CHAR", tx: "TEXT", bl: "BLOB", vb: "VARBINARY", bn: "BINARY",
      bt: "BIT", en: "ENUM", st: "SET", flag: "INT8",
    });
  });

  it("round-trips signed and unsigned integers, BIGINT beyond 2^53 as exact strings", async () => {
    await client.execute(
      "INSERT INTO kinds (i8, i16, i24, i32, i64, u8, u32, u64) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      [-128, -32768, -8388608, -2147483648, "-9223372036854775808", 255, 4294967295, "18446744073709551615"],
    );
    await client.execute("INSERT INTO kinds (i64, u64) VALUES (?, ?)", ["9007199254740993", "9007199254740993"]);
    const res = await client.execute("SELECT i8, i16, i24, i32, i64, u8, u32, u64 FROM kinds WHERE i8 IS NOT NULL");
    expect(res.rows).toEqual([{
      i8: -128, i16: -32768, i24: -8388608, i32: -2147483648, i64: "-9223372036854775808",
      u8: 255, u32: 4294967295, u64: "18446744073709551615",
    }]);
    const big = await one("SELECT i64, u64, u64 + 1 AS next FROM kinds WHERE u64 = 9007199254740993");
    expect(big.row).toEqual({ i64: "9007199254740993", u64: "9007199254740993", next: "9007199254740994" });
  });

  it("keeps decimals exact as strings and floats as numbers", async () => {
    await client.execute("INSERT INTO kinds (dec_, f32, f64) VALUES (?, ?, ?)", ["12345678901234.123456", 1.5, 0.1]);
    const { row } = await one("SELECT dec_, f32, f64 FROM kinds WHERE dec_ IS NOT NULL");
    expect(row).toEqual({ dec_: "12345678901234.123456", f32: 1.5, f64: 0.1 });
  });

  it("returns dates and times as MySQL text, in UTC", async () => {
    await client.execute(
      "INSERT INTO kinds (d, dt, dt3, ts, tm, yr) VALUES ('2024-02-29', '2024-02-29 23:59:59', '2024-02-29 23:59:59.123', '2024-03-01 00:00:01', '-838:59:59', 2155)",
    );
    const { row } = await one("SELECT d, dt, dt3, ts, tm, yr FROM kinds WHERE d IS NOT NULL");
    expect(row).toEqual({
      d: "2024-02-29", dt: "2024-02-29 23:59:59", dt3: "2024-02-29 23:59:59.123",
      ts: "2024-03-01 00:00:01", tm: "-838:59:59", yr: 2155,
    });
    const tz = await one("SELECT @@session.time_zone AS zone, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW()) AS skew, UNIX_TIMESTAMP(ts) AS epoch FROM kinds WHERE d IS NOT NULL");
    expect(tz.row.zone).toBe("+00:00");
    expect(tz.row.skew).toBe("0"); // TIMESTAMPDIFF is BIGINT: INT64 stays a string
    expect(Number(tz.row.epoch)).toBe(Date.UTC(2024, 2, 1, 0, 0, 1) / 1000);
  });

  it("parses JSON columns and JSON functions", async () => {
    const doc = { a: [1, "x", null], b: true, nested: { "ü": "😀" } };
    await client.execute("INSERT INTO kinds (js) VALUES (?)", [JSON.stringify(doc)]);
    const { row, res } = await one(
      "SELECT js, JSON_OBJECT('k', 1) AS obj, JSON_UNQUOTE(JSON_EXTRACT(js, '$.nested.\"ü\"')) AS picked FROM kinds WHERE js IS NOT NULL",
    );
    expect(row).toEqual({ js: doc, obj: { k: 1 }, picked: "😀" });
    expect(res.types.obj).toBe("JSON");
  });

  it("returns NULL as null for every type", async () => {
    const res = await client.execute("INSERT INTO kinds () VALUES ()");
    const { row } = await one("SELECT * FROM kinds WHERE id = ?", [Number(res.insertId)]);
    const { id, ...rest } = row;
    expect(id).toBe(Number(res.insertId));
    expect(Object.values(rest).every((v) => v === null)).toBe(true);
    expect(Object.keys(rest)).toHaveLength(28);
    const literal = await one("SELECT NULL AS nothing");
    expect(literal.row).toEqual({ nothing: null });
    expect(literal.res.types.nothing).toBe("NULL");
  });

  it("round-trips every byte value through BLOB, VARBINARY and BINARY", async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = Buffer.from(all).toString("hex");
    await client.execute(`INSERT INTO kinds (bl, vb, bn, bt) VALUES (x'${hex}', x'00ff7f80', x'0102', b'101')`);
    const { row } = await one("SELECT bl, vb, bn, bt FROM kinds WHERE bl IS NOT NULL");
    expect(row.bl).toEqual(all);
    expect(row.vb).toEqual(Uint8Array.from([0x00, 0xff, 0x7f, 0x80]));
    expect(row.bn).toEqual(Uint8Array.from([1, 2, 0, 0])); // BINARY(4) pads with zero bytes
    expect(row.bt).toEqual(Uint8Array.from([0b101]));
  });

  it("keeps utf8mb4 text (emoji, astral planes) and quoting intact", async () => {
    const text = "😀 héllo 中文 𝄞 'quoted' \"double\" back\\slash\nline";
    await client.execute("INSERT INTO kinds (vc, tx, ch) VALUES (?, ?, ?)", [text.slice(0, 40), text, "🙂ab"]);
    const { row } = await one("SELECT vc, tx, ch, CHAR_LENGTH(tx) AS chars, OCTET_LENGTH(tx) AS octets FROM kinds WHERE tx IS NOT NULL");
    expect(row.tx).toBe(text);
    expect(row.vc).toBe(text.slice(0, 40));
    expect(row.ch).toBe("🙂ab");
    expect(row.chars).toBe([...text].length);
    expect(row.octets).toBe(Buffer.byteLength(text));
  });

  it("returns booleans (tinyint(1)), ENUM and SET as the driver does", async () => {
    await client.execute("INSERT INTO kinds (flag, en, st) VALUES (?, 'b', 'x,y'), (?, 'a', '')", [true, false]);
    const res = await client.execute("SELECT flag, en, st FROM kinds WHERE flag IS NOT NULL ORDER BY flag");
    expect(res.rows).toEqual([{ flag: 0, en: "a", st: "" }, { flag: 1, en: "b", st: "x,y" }]);
  });

  it("reports rowsAffected and insertId", async () => {
    const ins = await client.execute("INSERT INTO kinds (i32) VALUES (7), (7), (7)");
    expect(ins.rowsAffected).toBe(3);
    expect(Number(ins.insertId)).toBeGreaterThan(0);
    const upd = await client.execute("UPDATE kinds SET i32 = 8 WHERE i32 = 7");
    expect(upd.rowsAffected).toBe(3);
    // clientFoundRows, as PlanetScale sets it: matched rows count even when unchanged
    const same = await client.execute("UPDATE kinds SET i32 = 8 WHERE i32 = 8");
    expect(same.rowsAffected).toBe(3);
  });
});
