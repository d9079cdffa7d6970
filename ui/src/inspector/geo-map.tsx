/**
 * Geography values drawn on a small map: an SVG in an equirectangular projection fitted to the
 * shapes, with a graticule. No tiles: the UI works behind a firewall and loads nothing from
 * elsewhere, so there is no base map; the shapes' positions and extents are what it shows.
 */
import { useMemo } from 'react';
import { parseWkt, type Geometry } from './wkt.js';

const W = 360;
const H = 220;

export function GeoMap(props: { values: unknown[]; column: string }) {
  const shapes = useMemo(() => {
    const out: Geometry[] = [];
    let failed = 0;
    for (const v of props.values) {
      if (typeof v !== 'string') continue;
      try {
        out.push(...parseWkt(v));
      } catch {
        failed++;
      }
    }
    return { out, failed };
  }, [props.values]);
  const pts = shapes.out.flatMap((g) =>
    g.type === 'point' ? [g.coordinates] : g.type === 'line' ? g.coordinates : g.rings.flat(),
  );
  if (!pts.length) return <p className="muted">No geography values to draw in {props.column}.</p>;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of pts) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  // Longitude is shrunk by cos(latitude) so shapes keep their proportions away from the equator.
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180) || 1;
  const spanX = Math.max((maxX - minX) * k, 0.01);
  const spanY = Math.max(maxY - minY, 0.01);
  const scale = Math.min((W - 20) / spanX, (H - 20) / spanY);
  const ox = (W - spanX * scale) / 2;
  const oy = (H - spanY * scale) / 2;
  const px = (x: number) => ox + (x - minX) * k * scale;
  const py = (y: number) => H - (oy + (y - minY) * scale);
  const path = (c: Array<[number, number]>) =>
    c.map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('');
  const step = niceStep(Math.max(maxX - minX, maxY - minY));
  const lines: number[][] = [];
  for (let x = Math.ceil(minX / step) * step; x <= maxX; x += step) lines.push([px(x), 0, px(x), H]);
  for (let y = Math.ceil(minY / step) * step; y <= maxY; y += step) lines.push([0, py(y), W, py(y)]);
  return (
    <figure className="geo-map">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`map of ${shapes.out.length} shapes of ${props.column}, longitude ${minX.toFixed(3)} to ${maxX.toFixed(3)}, latitude ${minY.toFixed(3)} to ${maxY.toFixed(3)}`}
      >
        <rect width={W} height={H} className="sea" />
        {lines.map((l, i) => (
          <line key={i} x1={l[0]} y1={l[1]} x2={l[2]} y2={l[3]} className="graticule" />
        ))}
        {shapes.out.map((g, i) =>
          g.type === 'point' ? (
            <circle
              key={i}
              cx={px(g.coordinates[0])}
              cy={py(g.coordinates[1])}
              r={3.5}
              className="geo-point"
            />
          ) : g.type === 'line' ? (
            <path key={i} d={path(g.coordinates)} className="geo-line" />
          ) : (
            <path
              key={i}
              d={g.rings.map((r) => `${path(r)}Z`).join('')}
              className="geo-polygon"
              fillRule="evenodd"
            />
          ),
        )}
      </svg>
      <figcaption>
        {props.column}: {shapes.out.length} shape{shapes.out.length === 1 ? '' : 's'}, lon {minX.toFixed(3)}…
        {maxX.toFixed(3)}, lat {minY.toFixed(3)}…{maxY.toFixed(3)}
        {shapes.failed ? `; ${shapes.failed} value(s) not drawn` : ''}
      </figcaption>
    </figure>
  );
}

function niceStep(span: number): number {
  const raw = span / 4 || 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}
