/**
 * A small CBOR decoder (RFC 8949) for what WebAuthn sends: attestation objects and COSE keys. It
 * reads definite-length items only (WebAuthn §6.5.1 requires CTAP2 canonical CBOR: no indefinite
 * lengths), integers up to 2^53, byte and text strings, arrays, maps, false/true/null. Anything else
 * (floats, tags, indefinite lengths, truncation) is an error, never a guess.
 */

export type CborValue = number | Uint8Array | string | boolean | null | CborValue[] | Map<number | string, CborValue>;

export class CborError extends Error {
  constructor(message: string) {
    super(`CBOR: ${message}`);
    this.name = "CborError";
  }
}

const MAX_DEPTH = 16;

/**
 * Decodes the first item of `bytes`.
 * @returns the item and how many bytes it used (WebAuthn's authData has more after the COSE key)
 * @throws CborError for malformed or unsupported input
 */
export function decodeFirst(bytes: Uint8Array, start = 0): { value: CborValue; end: number } {
  let pos = start;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new CborError("truncated");
  };
  const length = (info: number): number => {
    if (info < 24) return info;
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (size === 0) throw new CborError(`unsupported length encoding ${info}`);
    need(size);
    let n = 0;
    for (let i = 0; i < size; i++) n = n * 256 + bytes[pos + i]!;
    pos += size;
    if (!Number.isSafeInteger(n)) throw new CborError("integer too large");
    return n;
  };
  const item = (depth: number): CborValue => {
    if (depth > MAX_DEPTH) throw new CborError("nested too deeply");
    need(1);
    const head = bytes[pos++]!;
    const major = head >> 5;
    const info = head & 0x1f;
    switch (major) {
      case 0: return length(info);
      case 1: return -1 - length(info);
      case 2: case 3: {
        const n = length(info);
        need(n);
        const slice = bytes.slice(pos, pos + n);
        pos += n;
        return major === 2 ? slice : new TextDecoder("utf-8", { fatal: true }).decode(slice);
      }
      case 4: {
        const n = length(info);
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(item(depth + 1));
        return out;
      }
      case 5: {
        const n = length(info);
        const out = new Map<number | string, CborValue>();
        for (let i = 0; i < n; i++) {
          const key = item(depth + 1);
          if (typeof key !== "number" && typeof key !== "string") throw new CborError("map key must be an integer or a text string");
          if (out.has(key)) throw new CborError("duplicate map key");
          out.set(key, item(depth + 1));
        }
        return out;
      }
      case 7:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        throw new CborError(`unsupported simple value or float ${info}`);
      default:
        throw new CborError(`unsupported major type ${major} (tags are not used by WebAuthn)`);
    }
  };
  const value = item(0);
  return { value, end: pos };
}

/** Decodes `bytes`, which must hold exactly one item. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const { value, end } = decodeFirst(bytes);
  if (end !== bytes.length) throw new CborError("trailing bytes");
  return value;
}
