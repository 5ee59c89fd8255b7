/**
 * npm run icons — draws the Teams app icons (manifest/color.png, manifest/outline.png): a
 * signpost with two arrow boards, white on the accent colour (192×192) and white on transparent
 * (32×32). Shapes are described in unit coordinates and drawn with 8×8 supersampling, so the
 * edges are smooth; the outline icon only ever gets white pixels with varying alpha.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

/** The accent colour, also `accentColor` in manifest.json. */
export const ACCENT = { r: 0x1f, g: 0x6f, b: 0x8b };

type Shape = (x: number, y: number) => boolean;

const rect = (x0: number, y0: number, x1: number, y1: number): Shape => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
/** A triangle given by three corners (barycentric sign test). */
const triangle = (a: [number, number], b: [number, number], c: [number, number]): Shape => (x, y) => {
  const s = (p: [number, number], q: [number, number]) => (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1]);
  const d1 = s(a, b), d2 = s(b, c), d3 = s(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const circle = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

/** The signpost, in a unit square. */
const signpost: Shape[] = [
  circle(0.5, 0.1, 0.06), // finial
  rect(0.44, 0.1, 0.56, 0.9), // pole
  rect(0.3, 0.86, 0.7, 0.96), // foot
  rect(0.1, 0.2, 0.72, 0.42), // board pointing right …
  triangle([0.72, 0.14], [0.72, 0.48], [0.92, 0.31]),
  rect(0.28, 0.52, 0.9, 0.74), // … and one pointing left
  triangle([0.28, 0.46], [0.28, 0.8], [0.08, 0.63]),
];

/** Coverage (0–1) of the signpost in pixel (px, py) of a size×size image with the motif in [inset, size-inset]. */
function coverage(px: number, py: number, size: number, inset: number): number {
  const n = 8;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = (px + (i + 0.5) / n - inset) / (size - 2 * inset);
      const y = (py + (j + 0.5) / n - inset) / (size - 2 * inset);
      if (signpost.some((s) => s(x, y))) hits++;
    }
  }
  return hits / (n * n);
}

/** 192×192, full colour: white signpost on the accent colour. */
export function drawColorIcon(): Buffer {
  const size = 192;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, size, 36);
      const i = (y * size + x) * 4;
      png.data[i] = Math.round(ACCENT.r + (255 - ACCENT.r) * c);
      png.data[i + 1] = Math.round(ACCENT.g + (255 - ACCENT.g) * c);
      png.data[i + 2] = Math.round(ACCENT.b + (255 - ACCENT.b) * c);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** 32×32 outline: white signpost, everything else fully transparent. */
export function drawOutlineIcon(): Buffer {
  const size = 32;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, size, 1);
      const i = (y * size + x) * 4;
      const a = Math.round(255 * c);
      png.data[i] = png.data[i + 1] = png.data[i + 2] = a === 0 ? 0 : 255;
      png.data[i + 3] = a;
    }
  }
  return PNG.sync.write(png);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = dirname(fileURLToPath(import.meta.url));
  writeFileSync(join(dir, 'color.png'), drawColorIcon());
  writeFileSync(join(dir, 'outline.png'), drawOutlineIcon());
  process.stdout.write(`Skrev ${join(dir, 'color.png')} og ${join(dir, 'outline.png')}\n`);
}
