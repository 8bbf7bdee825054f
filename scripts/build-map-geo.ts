/**
 * Builds the dashboard's map of Sweden (apps/web/src/geo/sweden.json) from the municipality
 * shapes in ../shared/data/geo (see apps/web/src/geo/README.md for their provenance):
 *
 *   npx ts-node --transpile-only scripts/build-map-geo.ts [--source <dir>] [--out <file>]
 *
 * Only this script reads the source; the service, the page and the tests read the committed
 * asset. The steps, each chosen so that neighbouring municipalities still meet without gaps:
 *
 * 1. Project WGS84 longitude/latitude with SWEREF99 TM (EPSG:3006, the national grid: a
 *    transverse Mercator on GRS80 around 15° E, conformal, so shapes look as on Lantmäteriet's
 *    maps), with Lantmäteriet's Gauss–Krüger series.
 * 2. Scale to a canvas 1000 units tall and round to whole units (≈1.6 km at this scale).
 * 3. Drop repeated points, then points exactly on the line between their neighbours. Both
 *    steps give the same answer on either side of a shared border (the source's borders share
 *    their vertices: it was simplified topologically with mapshaper), so no slivers open up;
 *    a Douglas–Peucker pass per polygon would not, and the source is small enough without one.
 * 4. County outlines: the municipalities' edges that no other municipality of the same county
 *    shares, chained into lines. They lie exactly on the municipal borders, which the coarser
 *    counties.geojson does not; that file is read only to check the counties' codes and names.
 * 5. Write SVG path data with relative coordinates (`m`, `l`, `z`): short, and exact.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Position = [number, number];
type Ring = Position[];
interface Feature {
  properties: Record<string, unknown>;
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
}

export interface SwedenMap {
  /** Where the shapes come from and how they were made (the README says more). */
  source: string;
  viewBox: string;
  width: number;
  height: number;
  municipalities: { code: string; name: string; county: string; d: string }[];
  counties: { code: string; name: string; d: string }[];
}

const ROOT = resolve(__dirname, '..');
const HEIGHT = 1000;
const MARGIN = 4;

/** SWEREF99 TM (EPSG:3006): WGS84 longitude/latitude in degrees to northing/easting in metres. */
export function sweref99tm(lon: number, lat: number): { north: number; east: number } {
  const a = 6378137;
  const f = 1 / 298.257222101;
  const k0 = 0.9996;
  const lon0 = (15 * Math.PI) / 180;
  const falseEasting = 500000;
  const e2 = f * (2 - f);
  const n = f / (2 - f);
  const aRoof = (a / (1 + n)) * (1 + (n * n) / 4 + (n ** 4) / 64);
  const A = e2;
  const B = (5 * e2 ** 2 - e2 ** 3) / 6;
  const C = (104 * e2 ** 3 - 45 * e2 ** 4) / 120;
  const D = (1237 * e2 ** 4) / 1260;
  const beta = [n / 2 - (2 * n ** 2) / 3 + (5 * n ** 3) / 16 + (41 * n ** 4) / 180, (13 * n ** 2) / 48 - (3 * n ** 3) / 5 + (557 * n ** 4) / 1440, (61 * n ** 3) / 240 - (103 * n ** 4) / 140, (49561 * n ** 4) / 161280];
  const phi = (lat * Math.PI) / 180;
  const s = Math.sin(phi);
  const phiStar = phi - s * Math.cos(phi) * (A + B * s ** 2 + C * s ** 4 + D * s ** 6);
  const dLon = (lon * Math.PI) / 180 - lon0;
  const xi = Math.atan(Math.tan(phiStar) / Math.cos(dLon));
  const eta = Math.atanh(Math.cos(phiStar) * Math.sin(dLon));
  let x = xi;
  let y = eta;
  beta.forEach((b, i) => {
    const k = 2 * (i + 1);
    x += b * Math.sin(k * xi) * Math.cosh(k * eta);
    y += b * Math.cos(k * xi) * Math.sinh(k * eta);
  });
  return { north: k0 * aRoof * x, east: k0 * aRoof * y + falseEasting };
}

function polygonsOf(feature: Feature): Ring[][] {
  return feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
}

/** A closed ring without its closing point, repeated points or points exactly between their neighbours. */
export function cleanRing(ring: Ring, dropCollinear: boolean): Ring {
  let points: Ring = [];
  for (const p of ring) {
    const last = points[points.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) points.push(p);
  }
  // The closing point (GeoJSON repeats the first) is implied by `z`.
  while (points.length > 1 && points[0][0] === points[points.length - 1][0] && points[0][1] === points[points.length - 1][1]) points.pop();
  if (!dropCollinear) return points;
  // Repeated until nothing changes: removing one point can make its neighbour collinear.
  for (let changed = true; changed && points.length > 3; ) {
    changed = false;
    const kept = points.filter((p, i) => {
      const prev = points[(i + points.length - 1) % points.length];
      const next = points[(i + 1) % points.length];
      const cross = (p[0] - prev[0]) * (next[1] - prev[1]) - (p[1] - prev[1]) * (next[0] - prev[0]);
      const between = Math.min(prev[0], next[0]) <= p[0] && p[0] <= Math.max(prev[0], next[0]) && Math.min(prev[1], next[1]) <= p[1] && p[1] <= Math.max(prev[1], next[1]);
      return !(cross === 0 && between);
    });
    if (kept.length < points.length && kept.length >= 3) {
      points = kept;
      changed = true;
    }
  }
  return points;
}

/** SVG path data, relative after the first point; a closed path ends with `z`. */
export function pathData(lines: Ring[], closed: boolean): string {
  const num = (v: number, first: boolean) => (v < 0 ? `${v}` : first ? `${v}` : ` ${v}`);
  return lines
    .map((line) => {
      let d = `M${line[0][0]} ${line[0][1]}`;
      for (let i = 1; i < line.length; i++) {
        const dx = line[i][0] - line[i - 1][0];
        const dy = line[i][1] - line[i - 1][1];
        d += `${i === 1 ? 'l' : ' '}${num(dx, true)}${num(dy, false)}`;
      }
      return closed ? `${d}z` : d;
    })
    .join('');
}

const key = (p: Position) => `${p[0]},${p[1]}`;

/**
 * The outline of a set of rings: the edges that appear once (an edge two rings share, in
 * opposite directions, is inside), chained into lines; closed loops end where they began.
 */
export function outline(rings: Ring[]): Ring[] {
  const count = new Map<string, number>();
  const edgeKey = (p: Position, q: Position) => (key(p) < key(q) ? `${key(p)}|${key(q)}` : `${key(q)}|${key(p)}`);
  for (const ring of rings) for (let i = 0; i < ring.length; i++) count.set(edgeKey(ring[i], ring[(i + 1) % ring.length]), (count.get(edgeKey(ring[i], ring[(i + 1) % ring.length])) ?? 0) + 1);
  // The remaining edges as an adjacency list (undirected), consumed as they are walked.
  const next = new Map<string, Position[]>();
  const add = (p: Position, q: Position) => {
    const list = next.get(key(p)) ?? [];
    list.push(q);
    next.set(key(p), list);
  };
  for (const ring of rings)
    for (let i = 0; i < ring.length; i++) {
      const p = ring[i];
      const q = ring[(i + 1) % ring.length];
      if (count.get(edgeKey(p, q)) === 1) {
        add(p, q);
        add(q, p);
      }
    }
  const take = (p: Position): Position | undefined => {
    const list = next.get(key(p));
    const q = list?.pop();
    if (!q) return undefined;
    const back = next.get(key(q)) ?? [];
    const i = back.findIndex((r) => r[0] === p[0] && r[1] === p[1]);
    if (i >= 0) back.splice(i, 1);
    return q;
  };
  const lines: Ring[] = [];
  // Lines start at a junction or an end (odd or >2 degree) first, so that loops are walked last and whole.
  const starts = () => [...next.entries()].filter(([, list]) => list.length > 0).sort((a, b) => (b[1].length % 2) - (a[1].length % 2));
  for (let open = starts(); open.length > 0; open = starts()) {
    const [startKey] = open[0];
    const start = startKey.split(',').map(Number) as Position;
    const line: Ring = [start];
    for (let q = take(start); q; q = take(line[line.length - 1])) line.push(q);
    lines.push(line);
  }
  return lines;
}

/** A polyline without points exactly between their neighbours (its ends kept). */
function straighten(line: Ring): Ring {
  const closed = line.length > 3 && key(line[0]) === key(line[line.length - 1]);
  if (closed) {
    const ring = cleanRing(line, true);
    return [...ring, ring[0]];
  }
  return line.filter((p, i) => {
    if (i === 0 || i === line.length - 1) return true;
    const prev = line[i - 1];
    const next = line[i + 1];
    return (p[0] - prev[0]) * (next[1] - prev[1]) - (p[1] - prev[1]) * (next[0] - prev[0]) !== 0;
  });
}

export function buildMap(municipalitiesGeojson: { features: Feature[] }, countiesGeojson: { features: Feature[] }): SwedenMap {
  const projected = municipalitiesGeojson.features.map((feature) => ({
    code: String(feature.properties.id),
    name: String(feature.properties.kom_namn),
    county: String(feature.properties.lan_code),
    polygons: polygonsOf(feature).map((polygon) => polygon.map((ring) => ring.map(([lon, lat]) => sweref99tm(lon, lat)))),
  }));
  const all = projected.flatMap((m) => m.polygons.flat(2));
  const minEast = Math.min(...all.map((p) => p.east));
  const maxEast = Math.max(...all.map((p) => p.east));
  const minNorth = Math.min(...all.map((p) => p.north));
  const maxNorth = Math.max(...all.map((p) => p.north));
  const scale = (HEIGHT - 2 * MARGIN) / (maxNorth - minNorth);
  const width = Math.ceil((maxEast - minEast) * scale) + 2 * MARGIN;
  const toCanvas = (p: { north: number; east: number }): Position => [Math.round((p.east - minEast) * scale) + MARGIN, Math.round((maxNorth - p.north) * scale) + MARGIN];

  const municipalities = projected.map((m) => {
    // Rings rounded to the canvas; a ring that rounds away to less than a triangle is left out (an islet), unless it is the municipality's only one.
    const rings = m.polygons.flatMap((polygon) => polygon.map((ring) => cleanRing(ring.map(toCanvas), false)));
    const kept = rings.filter((ring) => ring.length >= 3);
    return { ...m, rings: kept.length > 0 ? kept : [rings.sort((a, b) => b.length - a.length)[0]] };
  });

  const countyNames = new Map<string, string>();
  for (const feature of countiesGeojson.features) countyNames.set(String(feature.properties.l_id).padStart(2, '0'), String(feature.properties.name));
  const countyCodes = [...new Set(municipalities.map((m) => m.county))].sort();
  const missing = countyCodes.filter((code) => !countyNames.has(code));
  if (missing.length > 0 || countyNames.size !== countyCodes.length) throw new Error(`counties.geojson and the municipalities' county codes differ: ${missing.join(', ')}`);

  return {
    source: 'okfse/sweden-geojson (Valmyndigheten via Opendatasoft), projected with SWEREF99 TM by scripts/build-map-geo.ts',
    viewBox: `0 0 ${width} ${HEIGHT}`,
    width,
    height: HEIGHT,
    municipalities: municipalities
      .map((m) => ({ code: m.code, name: m.name, county: m.county, d: pathData(m.rings.map((ring) => cleanRing(ring, true)), true) }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    counties: countyCodes.map((code) => ({
      code,
      name: countyNames.get(code) ?? code,
      d: pathData(
        outline(municipalities.filter((m) => m.county === code).flatMap((m) => m.rings))
          .map(straighten)
          .filter((line) => line.length >= 2),
        false,
      ),
    })),
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? resolve(args[i + 1]) : fallback;
  };
  const source = option('source', resolve(ROOT, '../shared/data/geo'));
  const out = option('out', join(ROOT, 'apps/web/src/geo/sweden.json'));
  const read = (name: string) => JSON.parse(readFileSync(join(source, name), 'utf8')) as { features: Feature[] };
  const map = buildMap(read('municipalities.geojson'), read('counties.geojson'));
  const text = `${JSON.stringify(map)}\n`;
  writeFileSync(out, text);
  console.log(`${out}: ${map.municipalities.length} municipalities, ${map.counties.length} counties, viewBox ${map.viewBox}, ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`);
}

if (require.main === module) main();
