/**
 * WKT (how rows carry geography: README "Connectors") read into lon/lat rings and points, enough
 * to draw them: POINT, LINESTRING, POLYGON, their MULTI forms and GEOMETRYCOLLECTION, with an
 * optional Z/M that is ignored.
 */
export type Geometry =
  | { type: 'point'; coordinates: [number, number] }
  | { type: 'line'; coordinates: Array<[number, number]> }
  | { type: 'polygon'; rings: Array<Array<[number, number]>> };

export function parseWkt(text: string): Geometry[] {
  let i = 0;
  const s = text.trim();
  const peek = () => s[i];
  const skip = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const word = () => {
    skip();
    const m = /^[A-Za-z]+/.exec(s.slice(i));
    if (!m) throw new Error(`expected a geometry type at ${i}`);
    i += m[0].length;
    return m[0].toUpperCase();
  };
  const expect = (c: string) => {
    skip();
    if (s[i] !== c) throw new Error(`expected "${c}" at ${i}`);
    i++;
  };
  const point = (): [number, number] => {
    skip();
    const m = /^(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)(\s+-?[\d.eE+-]+)*/.exec(s.slice(i));
    if (!m) throw new Error(`expected coordinates at ${i}`);
    i += m[0].length;
    return [Number(m[1]), Number(m[2])];
  };
  const list = <T>(item: () => T): T[] => {
    expect('(');
    const out = [item()];
    skip();
    while (peek() === ',') {
      i++;
      out.push(item());
      skip();
    }
    expect(')');
    return out;
  };
  const empty = () => {
    skip();
    if (/^EMPTY/i.test(s.slice(i))) {
      i += 5;
      return true;
    }
    return false;
  };
  const zm = () => {
    skip();
    const m = /^(ZM|Z|M)\b/i.exec(s.slice(i));
    if (m) i += m[0].length;
  };
  const geometry = (): Geometry[] => {
    const type = word();
    zm();
    if (empty()) return [];
    switch (type) {
      case 'POINT':
        return list(point).map((c) => ({ type: 'point', coordinates: c }));
      case 'LINESTRING':
        return [{ type: 'line', coordinates: list(point) }];
      case 'POLYGON':
        return [{ type: 'polygon', rings: list(() => list(point)) }];
      case 'MULTIPOINT':
        return list(() => {
          skip();
          return peek() === '(' ? list(point)[0]! : point();
        }).map((c) => ({ type: 'point', coordinates: c }));
      case 'MULTILINESTRING':
        return list(() => list(point)).map((c) => ({ type: 'line', coordinates: c }));
      case 'MULTIPOLYGON':
        return list(() => list(() => list(point))).map((rings) => ({ type: 'polygon', rings }));
      case 'GEOMETRYCOLLECTION':
        return list(geometry).flat();
      default:
        throw new Error(`unknown geometry type ${type}`);
    }
  };
  return geometry();
}
