/**
 * A small spatial dataset for the spatial pack's execution tests: stores and customers around
 * Madrid (seeded, so every run and engine sees the same rows), and the awkward places — a pair
 * across the antimeridian, a pair near the North Pole, null coordinates, a customer standing on a
 * store. Loaded by hand-written DDL into DuckDB and PostgreSQL (longitude/latitude as doubles:
 * the workflows under test make the geography), with the haversine formula written here for the
 * expected answers.
 */
import { createCatalog, type Catalog } from '../../compiler/index.js';
import { mulberry32 } from '../../daemon/demo/dataset.js';
import { demoTables } from '../fixtures/catalog.js';
import { quoteName, type EngineName } from '../fixtures/load.js';

export const EARTH_RADIUS = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (the haversine formula). */
export function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.sqrt(a));
}

export interface Store {
  store_id: number;
  name: string;
  lon: number | null;
  lat: number | null;
  radius: number;
}
export interface Customer {
  customer_id: number;
  lon: number | null;
  lat: number | null;
}

function round(x: number, digits = 6): number {
  return Number(x.toFixed(digits));
}

export const STORES: Store[] = (() => {
  const r = mulberry32(13);
  const out: Store[] = [];
  for (let i = 1; i <= 12; i++)
    out.push({
      store_id: i,
      name: `store ${i}`,
      lon: round(-3.76 + r() * 0.12),
      lat: round(40.38 + r() * 0.08),
      radius: 800 + Math.floor(r() * 8) * 100,
    });
  out.push({ store_id: 90, name: 'date line', lon: 179.995, lat: 0.001, radius: 1500 });
  out.push({ store_id: 91, name: 'pole', lon: 0, lat: 89.995, radius: 1500 });
  out.push({ store_id: 92, name: 'nowhere', lon: null, lat: null, radius: 1000 });
  return out;
})();

export const CUSTOMERS: Customer[] = (() => {
  const r = mulberry32(31);
  const out: Customer[] = [];
  for (let i = 1; i <= 400; i++)
    out.push({ customer_id: i, lon: round(-3.8 + r() * 0.2), lat: round(40.36 + r() * 0.12) });
  out.push({ customer_id: 900, lon: -179.995, lat: 0 }); // 1.1 km from store 90, across the date line
  out.push({ customer_id: 901, lon: 180, lat: 0.0005 });
  out.push({ customer_id: 902, lon: 90, lat: 89.99 }); // near the pole store
  out.push({ customer_id: 903, lon: -90, lat: 89.99 });
  out.push({ customer_id: 904, lon: null, lat: null });
  out.push({ customer_id: 905, lon: STORES[0]!.lon, lat: STORES[0]!.lat }); // on store 1
  return out;
})();

const TYPES: Record<EngineName, { double: string; text: string }> = {
  duckdb: { double: 'DOUBLE', text: 'VARCHAR' },
  postgres: { double: 'DOUBLE PRECISION', text: 'TEXT' },
};

const num = (v: number | null) => (v === null ? 'NULL' : String(v));

/** DDL and rows of sp_stores and sp_customers in `schema`. */
export function spatialLoadStatements(engine: EngineName, schema: string): string[] {
  const t = TYPES[engine];
  const s = (name: string) => `${quoteName(schema)}.${quoteName(name)}`;
  return [
    `CREATE TABLE ${s('sp_stores')} (store_id BIGINT NOT NULL, name ${t.text}, lon ${t.double}, lat ${t.double}, radius ${t.double})`,
    `INSERT INTO ${s('sp_stores')} VALUES ${STORES.map((x) => `(${x.store_id}, '${x.name}', ${num(x.lon)}, ${num(x.lat)}, ${x.radius})`).join(', ')}`,
    `CREATE TABLE ${s('sp_customers')} (customer_id BIGINT NOT NULL, lon ${t.double}, lat ${t.double})`,
    `INSERT INTO ${s('sp_customers')} VALUES ${CUSTOMERS.map((x) => `(${x.customer_id}, ${num(x.lon)}, ${num(x.lat)})`).join(', ')}`,
  ];
}

/** The demo tables plus sp_stores and sp_customers. */
export function spatialCatalog(schema: string): Catalog {
  const double = { kind: 'double' } as const;
  return createCatalog(
    [
      ...demoTables(schema),
      {
        parts: [schema, 'sp_stores'],
        columns: [
          { name: 'store_id', type: { kind: 'bigint' } },
          { name: 'name', type: { kind: 'string' } },
          { name: 'lon', type: double },
          { name: 'lat', type: double },
          { name: 'radius', type: double },
        ],
      },
      {
        parts: [schema, 'sp_customers'],
        columns: [
          { name: 'customer_id', type: { kind: 'bigint' } },
          { name: 'lon', type: double },
          { name: 'lat', type: double },
        ],
      },
    ],
    { live: true },
  );
}

/** Source nodes making points of both tables: `stores` (location) and `customers` (home). */
export function spatialSources(schema: string) {
  return [
    { id: 'stores_raw', type: 'source.table', config: { table: `${schema}.sp_stores` } },
    {
      id: 'stores',
      type: 'spatial.point',
      inputs: { in: 'stores_raw' },
      config: { lon: 'lon', lat: 'lat', as: 'location' },
    },
    { id: 'customers_raw', type: 'source.table', config: { table: `${schema}.sp_customers` } },
    {
      id: 'customers',
      type: 'spatial.point',
      inputs: { in: 'customers_raw' },
      config: { lon: 'lon', lat: 'lat', as: 'home' },
    },
  ];
}

/** Every (customer, store) with both positions, and its distance. */
export function allPairs(): Array<{ c: Customer; s: Store; d: number }> {
  const out: Array<{ c: Customer; s: Store; d: number }> = [];
  for (const c of CUSTOMERS)
    for (const s of STORES)
      if (c.lon !== null && c.lat !== null && s.lon !== null && s.lat !== null)
        out.push({ c, s, d: haversine(c.lon, c.lat, s.lon, s.lat) });
  return out;
}
