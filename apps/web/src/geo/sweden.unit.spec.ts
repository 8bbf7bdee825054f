import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMap, cleanRing, outline, pathData, sweref99tm } from '../../../../scripts/build-map-geo';
import { centroidOf, nearestInDirection, pathPoints } from './geometry';
import sweden from './sweden.json';

/**
 * The committed map (sweden.json, made by scripts/build-map-geo.ts) against the register's own
 * reference data: the same 290 municipality codes, each in its county, 21 counties, and every
 * shape drawn inside the canvas.
 */

const referenceCsv = readFileSync(join(__dirname, '../../../../libs/reference-data/data/municipalities.csv'), 'utf8');
// The reference file has no quoted fields (checked here), so a line split is enough.
const reference = referenceCsv
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => {
    const [code, name, countyCode] = line.split(',');
    return { code, name, countyCode };
  });

const pointsOf = pathPoints;

describe('the map of Sweden (apps/web/src/geo/sweden.json)', () => {
  const [minX, minY, width, height] = sweden.viewBox.split(' ').map(Number);

  it('has exactly the register’s 290 municipalities, each in the register’s county', () => {
    expect(reference.length).toBe(290);
    expect(referenceCsv).not.toContain('"');
    expect(sweden.municipalities.map((m) => m.code).sort()).toEqual(reference.map((m) => m.code).sort());
    const county = new Map(reference.map((m) => [m.code, m.countyCode]));
    for (const m of sweden.municipalities) expect([m.code, m.county]).toEqual([m.code, county.get(m.code)]);
  });

  it('has the 21 counties, each with an outline', () => {
    expect(sweden.counties.map((c) => c.code)).toEqual([...new Set(reference.map((m) => m.countyCode))].sort());
    expect(sweden.counties.length).toBe(21);
    for (const c of sweden.counties) expect(pointsOf(c.d).flat().length).toBeGreaterThan(10);
  });

  it('draws every municipality as a non-empty closed shape inside the viewBox', () => {
    expect([minX, minY, height]).toEqual([0, 0, 1000]);
    expect(width).toBeGreaterThan(300);
    for (const shape of [...sweden.municipalities, ...sweden.counties]) {
      expect(shape.d).toMatch(/^M\d+ \d+l/);
      const points = pointsOf(shape.d).flat();
      expect(points.length).toBeGreaterThanOrEqual(3);
      for (const [x, y] of points) {
        expect(x >= minX && x <= minX + width && y >= minY && y <= minY + height).toBe(true);
      }
    }
    for (const m of sweden.municipalities) expect(m.d.endsWith('z')).toBe(true);
  });

  it('is compact (well under 250 KB)', () => {
    expect(Buffer.byteLength(JSON.stringify(sweden))).toBeLessThan(150 * 1024);
  });
});

describe('the map’s build steps (scripts/build-map-geo.ts)', () => {
  it('projects with SWEREF99 TM: 500 000 m east on 15° E, the scaled meridian arc north', () => {
    expect(sweref99tm(15, 0)).toEqual({ north: expect.closeTo(0, 3) as number, east: expect.closeTo(500000, 3) as number });
    // UTM zone 33 and SWEREF99 TM share the projection: 60° N on 15° E is 6 651 411.19 m north.
    expect(sweref99tm(15, 60).north).toBeCloseTo(6651411.19, 0);
    // East of the central meridian is east of 500 000 m, symmetrically to the west.
    const east = sweref99tm(18, 59);
    const west = sweref99tm(12, 59);
    expect(east.east - 500000).toBeCloseTo(500000 - west.east, 6);
    expect(east.north).toBeCloseTo(west.north, 6);
  });

  it('drops repeated points and points on a straight line, and writes relative path data', () => {
    const ring: [number, number][] = [[0, 0], [0, 0], [2, 0], [4, 0], [4, 3], [0, 3], [0, 0]];
    expect(cleanRing(ring, false)).toEqual([[0, 0], [2, 0], [4, 0], [4, 3], [0, 3]]);
    expect(cleanRing(ring, true)).toEqual([[0, 0], [4, 0], [4, 3], [0, 3]]);
    expect(pathData([cleanRing(ring, true)], true)).toBe('M0 0l4 0 0 3 -4 0z');
  });

  it('outlines a group of squares without their shared edges', () => {
    const a: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];
    const b: [number, number][] = [[1, 0], [2, 0], [2, 1], [1, 1]];
    const lines = outline([a, b]);
    expect(lines.length).toBe(1);
    const edges = lines[0].slice(1).map((p, i) => [lines[0][i], p]);
    expect(edges.length).toBe(6);
    expect(edges.some(([p, q]) => p[0] === 1 && q[0] === 1)).toBe(false);
  });

  it('builds a map from source shapes: the codes, the county names from counties.geojson, a canvas 1000 units tall', () => {
    // A two-feature miniature of the source: the function, not the shared files (which the tests do not read).
    const square = (lon: number, lat: number) => [[[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]];
    const map = buildMap(
      {
        features: [
          { properties: { id: '0001', kom_namn: 'A', lan_code: '01' }, geometry: { type: 'Polygon', coordinates: square(14, 60) as [number, number][][] } },
          { properties: { id: '0002', kom_namn: 'B', lan_code: '01' }, geometry: { type: 'Polygon', coordinates: square(15, 60) as [number, number][][] } },
        ],
      },
      { features: [{ properties: { l_id: 1, name: 'Län' }, geometry: { type: 'Polygon', coordinates: square(14, 60) as [number, number][][] } }] },
    );
    expect(map.municipalities.map((m) => m.code)).toEqual(['0001', '0002']);
    expect(map.counties).toEqual([expect.objectContaining({ code: '01', name: 'Län' })]);
    expect(map.height).toBe(1000);
  });
});

describe('the map’s geometry for the page (geometry.ts)', () => {
  it('reads back the points the build wrote', () => {
    expect(pathPoints('M0 0l4 0 0 3 -4 0zM10 10l1 1')).toEqual([
      [[0, 0], [4, 0], [4, 3], [0, 3]],
      [[10, 10], [11, 11]],
    ]);
  });

  it('names a shape by the centroid of its largest ring (the mainland, not an islet)', () => {
    expect(centroidOf('M100 100l1 0 0 1zM0 0l4 0 0 2 -4 0z')).toEqual([2, 1]);
  });

  it('puts every municipality’s centroid inside the canvas and inside its own shape’s bounding box', () => {
    const [, , width, height] = sweden.viewBox.split(' ').map(Number);
    let inside = 0;
    for (const m of sweden.municipalities) {
      const [x, y] = centroidOf(m.d);
      expect(x >= 0 && x <= width && y >= 0 && y <= height).toBe(true);
      const points = pathPoints(m.d).flat();
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      if (x >= Math.min(...xs) && x <= Math.max(...xs) && y >= Math.min(...ys) && y <= Math.max(...ys)) inside++;
    }
    expect(inside).toBe(sweden.municipalities.length);
  });

  it('moves an arrow key to the nearest place that way, keeping to the line where it can', () => {
    const places = [
      { code: 'east-near', x: 12, y: 10 },
      { code: 'east-far-level', x: 20, y: 10 },
      { code: 'north-east', x: 13, y: 4 },
      { code: 'south', x: 10, y: 20 },
      { code: 'west', x: 2, y: 11 },
    ];
    const from = { x: 10, y: 10 };
    expect(nearestInDirection(from, places, 'right')?.code).toBe('east-near');
    expect(nearestInDirection(from, places, 'down')?.code).toBe('south');
    expect(nearestInDirection(from, places, 'left')?.code).toBe('west');
    expect(nearestInDirection(from, places, 'up')?.code).toBe('north-east');
    expect(nearestInDirection({ x: 0, y: 0 }, [{ code: 'only-south', x: 0, y: 5 }], 'up')).toBeUndefined();
  });

  it('reaches every municipality from the first by the arrow keys alone', () => {
    const places = sweden.municipalities.map((m) => {
      const [x, y] = centroidOf(m.d);
      return { code: m.code, x, y };
    });
    const seen = new Set([places[0].code]);
    const queue = [places[0]];
    while (queue.length > 0) {
      const here = queue.shift()!;
      for (const direction of ['left', 'right', 'up', 'down'] as const) {
        const next = nearestInDirection(here, places, direction);
        if (next && !seen.has(next.code)) {
          seen.add(next.code);
          queue.push(next);
        }
      }
    }
    expect(seen.size).toBe(sweden.municipalities.length);
  });
});
