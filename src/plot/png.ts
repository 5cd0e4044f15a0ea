/**
 * PNG encoding of RGBA pixels, through `pngjs` (pure JavaScript; zlib from Node). Output is 8-bit RGBA
 * (colour type 6), non-interlaced.
 */
import { PNG } from "pngjs";
import { check } from "../core/errors.js";
import type { RgbaImage } from "./raster.js";

/**
 * Encodes an RGBA image as PNG bytes.
 *
 * @throws SbkitInputError when `image.data` does not hold `4·width·height` bytes or a size is not a positive
 *   integer.
 */
export function encodePng(image: RgbaImage): Uint8Array {
  const { width, height, data } = image;
  check(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0, "encodePng", "image",
    `must have positive integer width and height (got ${width} × ${height})`);
  check(data.length === 4 * width * height, "encodePng", "image", `data has ${data.length} bytes, expected 4·${width}·${height} = ${4 * width * height}`);
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const bytes = PNG.sync.write(png, { colorType: 6 });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
