/**
 * A QR code drawn in a terminal with block characters (W4): two rows of
 * modules per text row (`▀`, `▄`, `█`, space), with a light quiet zone
 * around it. Dark modules are drawn as spaces and light ones as blocks, for
 * a terminal's light text on a dark background; `invert` draws it the other
 * way for a light background.
 *
 * @module
 */

import type { QrCode } from "./qr.ts";

/** Modules of light border around the code (the standard asks for 4; phones read 2). */
export const QUIET_ZONE = 2;

/**
 * The code as text rows.
 *
 * @param qr The code.
 * @param invert Draw dark modules as blocks (a light terminal). @default {false}
 * @returns One string per text row.
 */
export function qrBlocks(qr: QrCode, invert = false): string[] {
  const n = qr.size + 2 * QUIET_ZONE;
  const light = (r: number, c: number) => {
    const rr = r - QUIET_ZONE;
    const cc = c - QUIET_ZONE;
    const dark = rr >= 0 && cc >= 0 && rr < qr.size && cc < qr.size && qr.modules[rr]![cc]!;
    return invert ? dark : !dark;
  };
  const rows: string[] = [];
  for (let r = 0; r < n; r += 2) {
    let row = "";
    for (let c = 0; c < n; c++) {
      const top = light(r, c);
      const bottom = r + 1 < n && light(r + 1, c);
      row += top ? (bottom ? "█" : "▀") : bottom ? "▄" : " ";
    }
    rows.push(row);
  }
  return rows;
}
