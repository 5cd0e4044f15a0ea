/**
 * A tiny 5×7 bitmap font for text in PNG figures (SVG uses real `<text>` elements instead).
 *
 * Covers printable ASCII (32–126) plus `→ σ ε · − × ²`; any other character is drawn as `?`. Each glyph is
 * 5 column bytes, least significant bit = top row (the classic HD44780-style 5×7 table). Glyphs are scaled by
 * an integer factor, so text stays crisp.
 */

/** Glyph columns for ASCII 32..126, 10 hex digits (5 bytes) per glyph. */
const ASCII = [
  "0000000000", "00005f0000", "0007000700", "147f147f14", "242a7f2a12", "2313086462", "3649552250", "0005030000",
  "001c224100", "0041221c00", "082a1c2a08", "08083e0808", "0050300000", "0808080808", "0060600000", "2010080402",
  "3e5149453e", "00427f4000", "4261514946", "2141454b31", "1814127f10", "2745454539", "3c4a494930", "0171090503",
  "3649494936", "064949291e", "0036360000", "0056360000", "0814224100", "1414141414", "0041221408", "0201510906",
  "324979413e", "7e1111117e", "7f49494936", "3e41414122", "7f4141221c", "7f49494941", "7f09090101", "3e41415132",
  "7f0808087f", "00417f4100", "2040413f01", "7f08142241", "7f40404040", "7f0204027f", "7f0408107f", "3e4141413e",
  "7f09090906", "3e4151215e", "7f09192946", "4649494931", "01017f0101", "3f4040403f", "1f2040201f", "7f2018207f",
  "6314081463", "0304780403", "6151494543", "007f414100", "0204081020", "0041417f00", "0402010204", "4040404040",
  "0001020400", "2054545478", "7f48444438", "3844444420", "384444487f", "3854545418", "087e090102", "081454543c",
  "7f08040478", "00447d4000", "2040443d00", "007f102844", "00417f4000", "7c04180478", "7c08040478", "3844444438",
  "7c14141408", "081414187c", "7c08040408", "4854545420", "043f444020", "3c4040207c", "1c2040201c", "3c4030403c",
  "4428102844", "0c5050503c", "4464544c44", "0008364100", "00007f0000", "0041360800", "0201020402",
];

/** A few non-ASCII glyphs that appear in sbkit titles. */
const EXTRA: Readonly<Record<string, string>> = {
  "→": "08082a1c08",
  "σ": "3844443c04",
  "ε": "2854544400",
  "·": "0000080000",
  "−": "0808080808",
  "×": "2214081422",
  "²": "0019150000",
};

/** Width of one glyph cell in font pixels (5 columns + 1 column of spacing). */
export const GLYPH_ADVANCE = 6;
/** Height of a glyph in font pixels. */
export const GLYPH_HEIGHT = 7;

function glyphHex(ch: string): string {
  const code = ch.codePointAt(0) ?? 63;
  if (code >= 32 && code <= 126) return ASCII[code - 32];
  return EXTRA[ch] ?? ASCII[63 - 32];
}

/**
 * The on-pixels of glyph `ch` as `[column, row]` pairs in a 5×7 cell (row 0 at the top).
 * Unknown characters give the pixels of `?`.
 */
export function glyphPixels(ch: string): Array<[number, number]> {
  const hex = glyphHex(ch);
  const out: Array<[number, number]> = [];
  for (let c = 0; c < 5; c++) {
    const bits = parseInt(hex.slice(2 * c, 2 * c + 2), 16);
    for (let r = 0; r < GLYPH_HEIGHT; r++) if ((bits >> r) & 1) out.push([c, r]);
  }
  return out;
}

/** The integer scale used for a font size in pixels: one font pixel per 8 px of size, at least 1. */
export function fontScale(size: number): number {
  return Math.max(1, Math.round(size / 8));
}

/** Width in pixels of `text` drawn at `size` with the bitmap font (no trailing spacing). */
export function bitmapTextWidth(text: string, size: number): number {
  const n = Array.from(text).length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * fontScale(size);
}
