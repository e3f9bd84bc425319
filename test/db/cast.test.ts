/**
 * db/cast.ts: the Worker's cast gives exactly what the driver's own cast gives, for every kind of column
 * and value; only the work differs. Values are binary strings (one character per byte), as the driver
 * hands them to the cast after cutting the row apart.
 */
import { cast as driverCast, type Field } from "@planetscale/database";
import { describe, expect, it } from "vitest";
import { castValue } from "../../db/cast.js";

/** `text` as the driver receives it: its UTF-8 bytes, one character each. */
const wire = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));
const field = (type: string, charset = 255): Field => ({ name: "c", type, charset });

describe("castValue", () => {
  const texts = ["", "jane@example.com", "0b6e4c1e-2f0a-4c55-9d1e-3a8f5e2b7c91", "Zoë's shop", "日本語のメモ", "emoji 📬", "tab\tand\nnewline", "\u007f"];
  const textFields = ["VARCHAR", "CHAR", "TEXT", "ENUM", "SET", "BINARY", "VARBINARY", "BLOB"].map((t) => field(t));

  it("decodes text columns as the driver does, ASCII or not", () => {
    for (const f of textFields) {
      for (const text of texts) {
        expect(castValue(f, wire(text)), `${f.type} ${JSON.stringify(text)}`).toEqual(driverCast(f, wire(text)));
        expect(castValue(f, wire(text))).toBe(text);
      }
    }
  });

  it("leaves binary columns as bytes, even when the bytes are ASCII", () => {
    for (const type of ["VARBINARY", "BINARY", "BLOB", "VARCHAR"]) {
      const f = field(type, 63);
      const value = castValue(f, wire("abc"));
      expect(value).toBeInstanceOf(Uint8Array);
      expect(value).toEqual(driverCast(f, wire("abc")));
    }
  });

  it("gives numbers, dates, decimals, JSON and NULL as the driver does", () => {
    const cases: [Field, string | null][] = [
      [field("INT32", 63), "42"], [field("UINT8", 63), "1"], [field("INT64", 63), "9007199254740993"],
      [field("FLOAT64", 63), "1.5"], [field("DECIMAL", 63), "12.30"], [field("DATETIME", 63), "2026-11-30 12:00:00"],
      [field("JSON"), wire('{"a":"ü"}')], [field("VARCHAR"), null], [field("TEXT"), null],
    ];
    for (const [f, value] of cases) expect(castValue(f, value), f.type).toEqual(driverCast(f, value));
  });
});
