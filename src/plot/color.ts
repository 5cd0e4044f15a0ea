/**
 * Colours and colour maps for figures. A colour is an sRGB triple of bytes `[r, g, b]`; CSS hex strings
 * (`"#1f77b4"` or `"#abc"`) are accepted wherever a colour is.
 *
 * Colour maps interpolate linearly in sRGB between 9 evenly spaced anchors. `viridis` and `plasma` anchors are
 * matplotlib's (van der Walt & Smith 2015), sampled at 0, 1/8, …, 1, so the endpoints are exact:
 * viridis(0) = #440154, viridis(1) = #fde725; plasma(0) = #0d0887, plasma(1) = #f0f921.
 */
import { check } from "../core/errors.js";

/** An sRGB colour as bytes `[r, g, b]`, each an integer in `[0, 255]`. */
export type Rgb = readonly [number, number, number];

/** A colour given as {@link Rgb} or a CSS hex string `#rrggbb` / `#rgb`. */
export type ColorLike = Rgb | string;

/** The names accepted where a colour map is asked for. */
export const COLOR_MAP_NAMES = ["viridis", "plasma", "gray"] as const;

/** One of {@link COLOR_MAP_NAMES}. */
export type ColorMapName = (typeof COLOR_MAP_NAMES)[number];

/** The default cycle of cloud / curve colours (matplotlib's `tab10`). */
export const DEFAULT_PALETTE: readonly Rgb[] = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
].map((hex) => parseHex(hex));

const ANCHORS: Readonly<Record<ColorMapName, readonly Rgb[]>> = {
  viridis: ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21908c", "#27ad81", "#5dc863", "#aadc32", "#fde725"].map(parseHex),
  plasma: ["#0d0887", "#4c02a1", "#7e03a8", "#a92395", "#cc4678", "#e56b5d", "#f89441", "#fdc328", "#f0f921"].map(parseHex),
  gray: [[0, 0, 0], [255, 255, 255]],
};

function parseHex(hex: string): Rgb {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex);
  if (m === null) return [NaN, NaN, NaN];
  const h = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/**
 * Resolves a {@link ColorLike} to {@link Rgb}.
 *
 * @throws SbkitInputError naming `fn` and `argument` for a malformed hex string or a triple outside `[0, 255]`.
 */
export function toRgb(color: ColorLike, fn = "toRgb", argument = "color"): Rgb {
  if (typeof color === "string") {
    const rgb = parseHex(color.trim());
    check(!Number.isNaN(rgb[0]), fn, argument, `must be a hex colour "#rrggbb" or "#rgb" (got ${JSON.stringify(color)})`);
    return rgb;
  }
  check(Array.isArray(color) && color.length === 3 && color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255),
    fn, argument, `must be [r, g, b] with integers in [0, 255] (got ${JSON.stringify(color)})`);
  return color;
}

/** `#rrggbb` for an {@link Rgb} colour (as used in SVG). */
export function rgbToHex(color: Rgb): string {
  return `#${color.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/** True when `name` is one of {@link COLOR_MAP_NAMES}. */
export function isColorMapName(name: string): name is ColorMapName {
  return (COLOR_MAP_NAMES as readonly string[]).includes(name);
}

/**
 * The colour of `t ∈ [0, 1]` under the named map (linear interpolation between anchors). `t` outside `[0, 1]`
 * is clamped to the end colours (documented clamp, like matplotlib); NaN throws.
 *
 * @throws SbkitInputError for an unknown map name or a NaN `t`.
 */
export function colorMap(name: ColorMapName, t: number): Rgb {
  check(isColorMapName(name), "colorMap", "name", `must be one of ${COLOR_MAP_NAMES.join(", ")} (got ${JSON.stringify(name)})`);
  check(!Number.isNaN(t), "colorMap", "t", "must be a number in [0, 1] (got NaN)");
  const anchors = ANCHORS[name];
  const u = Math.min(1, Math.max(0, t)) * (anchors.length - 1);
  const k = Math.min(anchors.length - 2, Math.floor(u));
  const f = u - k;
  const a = anchors[k];
  const b = anchors[k + 1];
  return [
    Math.round(a[0] + f * (b[0] - a[0])),
    Math.round(a[1] + f * (b[1] - a[1])),
    Math.round(a[2] + f * (b[2] - a[2])),
  ];
}

/**
 * A 256-entry lookup table of the named map as packed bytes `[r0, g0, b0, r1, …]` (entry `k` is
 * `colorMap(name, k / 255)`), for colouring many values fast.
 */
export function colorMapTable(name: ColorMapName): Uint8Array {
  const table = new Uint8Array(256 * 3);
  for (let k = 0; k < 256; k++) table.set(colorMap(name, k / 255), 3 * k);
  return table;
}

/** The `k`-th colour of {@link DEFAULT_PALETTE}, cycling. */
export function paletteColor(k: number): Rgb {
  return DEFAULT_PALETTE[((k % DEFAULT_PALETTE.length) + DEFAULT_PALETTE.length) % DEFAULT_PALETTE.length];
}
