/** Test helpers for figures: PNG decoding, pixel access and a small XML well-formedness check. */
import { PNG } from "pngjs";

/** A decoded PNG. */
export interface Decoded {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Decodes PNG bytes with pngjs (an independent decoder from our encoder's point of view: it checks CRCs). */
export function decodePng(bytes: Uint8Array): Decoded {
  const png = PNG.sync.read(Buffer.from(bytes), { checkCRC: true });
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/** `[r, g, b, a]` at pixel `(x, y)` (rounded down). */
export function pixel(img: Decoded, x: number, y: number): number[] {
  const k = 4 * (Math.floor(y) * img.width + Math.floor(x));
  return Array.from(img.data.subarray(k, k + 4));
}

/** The number of distinct RGBA values. */
export function distinctColors(img: Decoded): number {
  const seen = new Set<number>();
  const view = new DataView(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  for (let k = 0; k < img.data.length; k += 4) seen.add(view.getUint32(k));
  return seen.size;
}

/**
 * Checks that `text` is well-formed XML as far as tags go (every opened element is closed in order; attribute
 * values quoted; no stray `<` or `&` in text) and returns the number of elements of each name.
 */
export function xmlElementCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const stack: string[] = [];
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, "");
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const between = body.slice(last, m.index);
    if (/[<]/.test(between) || /&(?!(lt|gt|amp|quot|apos);)/.test(between)) throw new Error(`stray markup before offset ${m.index}: ${between.slice(0, 40)}`);
    last = tag.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!selfClosing) stack.push(name);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join(">, <")}>`);
  if (body.slice(last).trim() !== "") throw new Error("text after the root element");
  return counts;
}
