/**
 * `/favicon.ico`, drawn here rather than stored as a binary: a 16×16, 32-bit ICO (the format browsers ask
 * for at that path) holding one BMP image: the accent blue rounded square with a white envelope. The ICO
 * layout is ICONDIR (6 bytes) + one ICONDIRENTRY (16) + BITMAPINFOHEADER (40) + BGRA pixels bottom-up
 * (16·16·4) + a 1-bit AND mask (16 rows of 4 bytes, all 0: the alpha channel decides).
 */

const SIZE = 16;
const ACCENT = [0x26, 0x48, 0xb5] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

/** The colour (RGB) of pixel (x, y), y from the top, or null when transparent. */
function pixel(x: number, y: number): readonly [number, number, number] | null {
  const edge = (v: number) => Math.min(v, SIZE - 1 - v);
  if (edge(x) + edge(y) < 2) return null; // rounded corners
  if (x < 3 || x > 12 || y < 4 || y > 11) return ACCENT;
  const border = x === 3 || x === 12 || y === 4 || y === 11;
  const flap = x >= 4 && x <= 11 && y - 5 === Math.min(x - 4, 11 - x);
  return border || flap ? WHITE : ACCENT;
}

function build(): Uint8Array<ArrayBuffer> {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4;
  const bytes = new Uint8Array(new ArrayBuffer(6 + 16 + 40 + pixels + mask));
  const view = new DataView(bytes.buffer);
  view.setUint16(2, 1, true); // type: icon
  view.setUint16(4, 1, true); // one image
  bytes[6] = SIZE; bytes[7] = SIZE;
  view.setUint16(10, 1, true); // planes
  view.setUint16(12, 32, true); // bits per pixel
  view.setUint32(14, 40 + pixels + mask, true);
  view.setUint32(18, 22, true); // offset of the image
  view.setUint32(22, 40, true); // BITMAPINFOHEADER size
  view.setInt32(26, SIZE, true);
  view.setInt32(30, SIZE * 2, true); // colour rows + mask rows
  view.setUint16(34, 1, true);
  view.setUint16(36, 32, true);
  view.setUint32(42, pixels + mask, true);
  for (let row = 0; row < SIZE; row++) {
    for (let x = 0; x < SIZE; x++) {
      const colour = pixel(x, SIZE - 1 - row);
      const at = 62 + (row * SIZE + x) * 4;
      if (!colour) continue;
      bytes[at] = colour[2]; bytes[at + 1] = colour[1]; bytes[at + 2] = colour[0]; bytes[at + 3] = 0xff;
    }
  }
  return bytes;
}

/** The icon's bytes (1,150). */
export const FAVICON_ICO: Uint8Array<ArrayBuffer> = build();
