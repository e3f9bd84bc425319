/**
 * How the Worker's database client turns PlanetScale's wire values into JavaScript values: the driver's
 * own `cast` (@planetscale/database, dist/cast.js), with one shortcut for its commonest case.
 *
 * On the wire (PlanetScale's HTTP API) a row's values are one base64 string; the driver cuts it into
 * "binary strings", one character per byte. A text column's value is then decoded as UTF-8 by building
 * an array of char codes, a Uint8Array from it and running a TextDecoder over that, for every field of
 * every row (about 4,000 fields for a page of 100 aliases with their recipients). A binary string whose
 * characters are all below 0x80 is ASCII, and ASCII is its own UTF-8 decoding: those values (ids,
 * addresses, most descriptions) are returned as they are. Anything else goes to the driver's cast
 * unchanged, so every value comes out exactly as the driver would make it.
 */
import { type Cast, cast as driverCast } from "@planetscale/database";

/** MySQL's charset id of `binary`: such columns are bytes (Uint8Array), never text. */
const BINARY_CHARSET = 63;

/** Vitess type names the driver decodes as UTF-8 text when their charset is not binary. */
const TEXT_TYPES = new Set(["VARCHAR", "CHAR", "TEXT", "ENUM", "SET", "BINARY", "VARBINARY", "BLOB"]);

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * The driver's cast, except that a text value that is all ASCII is returned without decoding (the same
 * string the decoding would give).
 * @param field the column as the API describes it (`type`: Vitess type name; `charset`: MySQL charset id)
 * @param value the binary string, or null for SQL NULL
 */
export const castValue: Cast = (field, value) =>
  typeof value === "string" && field.charset !== BINARY_CHARSET && TEXT_TYPES.has(field.type) && ASCII_ONLY.test(value)
    ? value
    : driverCast(field, value);
