/**
 * What the map needs to know about its shapes beyond drawing them: their points (from the
 * path data scripts/build-map-geo.ts writes), a point inside each to name it by, and which
 * neighbour an arrow key moves to.
 */

export type Point = [number, number];

/** The lines of path data as the build writes it: `M x y`, then relative `l` pairs, `z` to close. */
export function pathPoints(d: string): Point[][] {
  const out: Point[][] = [];
  for (const part of d.split('M').filter(Boolean)) {
    const [start, rest = ''] = part.replace(/z$/, '').split('l');
    const [x0, y0] = start.trim().split(/\s+/).map(Number);
    const numbers = rest.match(/-?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
    const line: Point[] = [[x0, y0]];
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      const [x, y] = line[line.length - 1];
      line.push([x + numbers[i], y + numbers[i + 1]]);
    }
    out.push(line);
  }
  return out;
}

/** The area centroid of the largest ring (a municipality's mainland, not an islet); the vertices' mean when it has no area. */
export function centroidOf(d: string): Point {
  let best: { area: number; x: number; y: number } | undefined;
  for (const ring of pathPoints(d)) {
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < ring.length; i++) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[(i + 1) % ring.length];
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    const area = Math.abs(a / 2);
    const point =
      a !== 0
        ? { area, x: cx / (3 * a), y: cy / (3 * a) }
        : { area: 0, x: ring.reduce((s, p) => s + p[0], 0) / ring.length, y: ring.reduce((s, p) => s + p[1], 0) / ring.length };
    if (!best || point.area > best.area) best = point;
  }
  return best ? [best.x, best.y] : [0, 0];
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The nearest place in a direction (screen coordinates: y grows downwards), for the map's arrow
 * keys: among the places ahead (within about 63° of the direction), the one with the smallest
 * distance ahead plus twice the distance sideways, so that moving right keeps to the same
 * latitude where it can. Undefined when nothing lies that way.
 */
export function nearestInDirection<T extends { x: number; y: number }>(from: { x: number; y: number }, places: readonly T[], direction: Direction): T | undefined {
  let best: { place: T; score: number } | undefined;
  for (const place of places) {
    const dx = place.x - from.x;
    const dy = place.y - from.y;
    const ahead = direction === 'right' ? dx : direction === 'left' ? -dx : direction === 'down' ? dy : -dy;
    const aside = Math.abs(direction === 'left' || direction === 'right' ? dy : dx);
    if (ahead <= 0 || aside > 2 * ahead) continue;
    const score = ahead + 2 * aside;
    if (!best || score < best.score) best = { place, score };
  }
  return best?.place;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The bounding box of path data's points. */
export function boxOf(d: string): Box {
  const points = pathPoints(d).flat();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** The box around boxes, with `margin` (a share of its larger side) on every side. */
export function unionBox(boxes: readonly Box[], margin: number): Box {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  const pad = Math.max(x1 - x0, y1 - y0) * margin;
  return { x: x0 - pad, y: y0 - pad, width: x1 - x0 + 2 * pad, height: y1 - y0 + 2 * pad };
}
