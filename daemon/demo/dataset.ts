/**
 * The demo warehouse: a retail chain of coffee shops in Spain (stores with coordinates, customers
 * with a home city, products, two years of orders and their items), generated inside DuckDB by SQL
 * so that ~1M orders and ~2.5M items take seconds, not minutes of INSERT text.
 *
 * Every pseudo-random choice is `demoRandom(i, stream)`: a 32-bit integer hash of a row number, a
 * stream id (one per decision: a customer's city, an order's channel…) and the seed. It is written
 * once in TypeScript (the reference) and once as SQL text (`sqlRandom`), with integer operations
 * only. DuckDB's own hash() is not used: its output is an implementation detail that may change
 * between versions, and the demo must give the same rows on every machine and version. Choices are
 * made with integer arithmetic (no transcendental functions, whose last bit may differ between
 * platforms' math libraries), money is DECIMAL, and every ordering that numbers rows is total, so
 * parallel execution cannot change a row.
 */

/** Bump when any generated value changes: the marker on main.orders carries it. */
export const DEMO_VERSION = 2;
export const DEMO_SEED = 20240101;

/** The size of the demo seeded by `edgeflow demo` and the daemon's first start. */
export const DEMO_ORDERS = 1_000_000;
export const DEMO_CUSTOMERS = 60_000;

/** First and last day of the orders (both inclusive): 2024 is a leap year, 731 days. */
export const DEMO_FIRST_DAY = '2024-01-01';
export const DEMO_LAST_DAY = '2025-12-31';
const DAYS = 731;

/** Where the seeding keeps its working tables; its presence means a seeding did not finish. */
export const BUILD_SCHEMA = 'edgeflow_demo_build';

/** mulberry32: a small, well-mixed 32-bit PRNG; the same seed gives the same data everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------------------------------------
// The hash. lowbias32 (Chris Wellons' integer hash prospector: two multiply-xorshift rounds, a good
// avalanche) over a Weyl step of the row number offset by the stream and the seed.

const MASK32 = 0xffffffffn;
const WEYL = 2654435761n; // 2^32 / golden ratio
const STREAM_STEP = 0x85ebca77n;
const M1 = 0x7feb352d;
const M2 = 0x846ca68b;

function streamOffset(stream: number, seed: number): bigint {
  return (BigInt(stream) * STREAM_STEP + BigInt(seed)) & MASK32;
}

/** The reference: an unsigned 32-bit integer, the same as `sqlRandom` gives in DuckDB. */
export function demoRandom(i: number | bigint, stream: number, seed = DEMO_SEED): number {
  let x = Number(((BigInt(i) & MASK32) * WEYL + streamOffset(stream, seed)) & MASK32);
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, M1) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, M2) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * `demoRandom` as a DuckDB expression (a UBIGINT in [0, 2^32)) of an integer expression `i`.
 * UBIGINT because a 32-bit value times a 32-bit constant needs 64 unsigned bits, and DuckDB checks
 * overflow (no wrap-around): every product is masked back to 32 bits before the next one.
 */
export function sqlRandom(i: string, stream: number, seed = DEMO_SEED): string {
  const x0 = `(((${i})::UBIGINT & ${MASK32}) * ${WEYL} + ${streamOffset(stream, seed)} & ${MASK32})`;
  const xs = (x: string, s: number) => `xor(${x}, ${x} >> ${s})`;
  const mul = (x: string, m: number) => `(${x} * ${m} & ${MASK32})`;
  return xs(mul(xs(mul(xs(x0, 16), M1), 15), M2), 16);
}

/** One stream per decision: changing a number changes the data (bump DEMO_VERSION). */
const S = {
  storeSpot: 1,
  storeOpened: 2,
  custCity: 10,
  custName: 11,
  custSegment: 12,
  custTier: 13,
  custLat: 14,
  custLon: 17,
  custEmail: 15,
  custSignup: 16,
  orderCustomer: 20,
  orderChannel: 21,
  orderTime: 22,
  orderStore: 23,
  orderStatus: 25,
  orderDiscount: 26,
  orderLines: 27,
  itemProduct: 30,
  itemQuantity: 31,
} as const;

// ------------------------------------------------------------------------------------------------
// The fixed parts: cities, products, names, the calendar's shape.

interface City {
  name: string;
  region: string;
  lat: number;
  lon: number;
  /** Relative share of customers living there. */
  weight: number;
  stores: number;
}

/** Approximate city centres. Each city's first store is its flagship, open before 2024. */
export const DEMO_CITIES: readonly City[] = [
  { name: 'Madrid', region: 'Center', lat: 40.4168, lon: -3.7038, weight: 300, stores: 6 },
  { name: 'Toledo', region: 'Center', lat: 39.8628, lon: -4.0273, weight: 22, stores: 1 },
  { name: 'Segovia', region: 'Center', lat: 40.9429, lon: -4.1088, weight: 18, stores: 1 },
  { name: 'Guadalajara', region: 'Center', lat: 40.6326, lon: -3.1602, weight: 20, stores: 1 },
  { name: 'Barcelona', region: 'East', lat: 41.3874, lon: 2.1686, weight: 220, stores: 5 },
  { name: 'Valencia', region: 'East', lat: 39.4699, lon: -0.3763, weight: 110, stores: 3 },
  { name: 'Palma', region: 'East', lat: 39.5696, lon: 2.6502, weight: 45, stores: 1 },
  { name: 'Alicante', region: 'East', lat: 38.3452, lon: -0.481, weight: 40, stores: 1 },
  { name: 'Murcia', region: 'East', lat: 37.9922, lon: -1.1307, weight: 42, stores: 1 },
  { name: 'Zaragoza', region: 'East', lat: 41.6488, lon: -0.8891, weight: 70, stores: 2 },
  { name: 'Bilbao', region: 'North', lat: 43.263, lon: -2.935, weight: 65, stores: 2 },
  { name: 'San Sebastián', region: 'North', lat: 43.3183, lon: -1.9812, weight: 34, stores: 1 },
  { name: 'Santander', region: 'North', lat: 43.4623, lon: -3.81, weight: 28, stores: 1 },
  { name: 'Oviedo', region: 'North', lat: 43.3614, lon: -5.8493, weight: 30, stores: 1 },
  { name: 'Pamplona', region: 'North', lat: 42.8125, lon: -1.6458, weight: 30, stores: 1 },
  { name: 'Sevilla', region: 'South', lat: 37.3891, lon: -5.9845, weight: 95, stores: 3 },
  { name: 'Málaga', region: 'South', lat: 36.7213, lon: -4.4214, weight: 75, stores: 2 },
  { name: 'Granada', region: 'South', lat: 37.1773, lon: -3.5986, weight: 32, stores: 1 },
  { name: 'Córdoba', region: 'South', lat: 37.8882, lon: -4.7794, weight: 36, stores: 1 },
  { name: 'Cádiz', region: 'South', lat: 36.5271, lon: -6.2886, weight: 20, stores: 1 },
  { name: 'Vigo', region: 'West', lat: 42.2406, lon: -8.7207, weight: 38, stores: 1 },
  { name: 'A Coruña', region: 'West', lat: 43.3623, lon: -8.4115, weight: 34, stores: 1 },
  { name: 'Valladolid', region: 'West', lat: 41.6523, lon: -4.7245, weight: 36, stores: 1 },
  { name: 'Salamanca', region: 'West', lat: 40.9701, lon: -5.6635, weight: 24, stores: 1 },
  { name: 'Cáceres', region: 'West', lat: 39.4753, lon: -6.3724, weight: 16, stores: 1 },
];

const STORE_SUFFIX = ['Centro', 'Norte', 'Sur', 'Este', 'Oeste', 'Puerto'];

/** Stores that open during the two years, so their history starts later (`city n` → date). */
const NEW_STORES: Record<string, string> = {
  'Madrid 6': '2024-09-12',
  'Barcelona 5': '2025-03-20',
  'Málaga 2': '2025-06-05',
};

/** [name, category, list price in 2025 (2024 prices were 5% lower), relative popularity] */
export const DEMO_PRODUCTS: ReadonlyArray<readonly [string, string, string, number]> = [
  ['Espresso', 'coffee', '1.60', 120],
  ['Double espresso', 'coffee', '2.20', 60],
  ['Cortado', 'coffee', '1.80', 110],
  ['Café con leche', 'coffee', '2.10', 140],
  ['Cappuccino', 'coffee', '2.80', 90],
  ['Flat white', 'coffee', '3.20', 70],
  ['Latte', 'coffee', '3.00', 85],
  ['Iced latte', 'coffee', '3.40', 45],
  ['Cold brew', 'coffee', '3.50', 35],
  ['Mocha', 'coffee', '3.60', 30],
  ['Espresso beans 1kg', 'beans', '24.90', 14],
  ['House blend 500g', 'beans', '12.50', 20],
  ['Decaf beans 500g', 'beans', '13.50', 8],
  ['Single origin Colombia 250g', 'beans', '11.20', 10],
  ['Single origin Ethiopia 250g', 'beans', '12.40', 9],
  ['Single origin Guatemala 250g', 'beans', '11.80', 7],
  ['Capsules x10', 'beans', '4.20', 25],
  ['Green tea', 'tea', '2.00', 30],
  ['Earl grey', 'tea', '2.00', 26],
  ['Chai latte', 'tea', '3.30', 28],
  ['Matcha latte', 'tea', '3.80', 24],
  ['Rooibos', 'tea', '2.10', 10],
  ['Loose leaf tea 100g', 'tea', '6.40', 8],
  ['Croissant', 'bakery', '1.50', 95],
  ['Pain au chocolat', 'bakery', '1.80', 60],
  ['Magdalena', 'bakery', '1.20', 55],
  ['Tostada con tomate', 'bakery', '2.50', 80],
  ['Banana bread', 'bakery', '2.90', 30],
  ['Carrot cake', 'bakery', '3.60', 28],
  ['Cheesecake', 'bakery', '3.90', 26],
  ['Cookie', 'bakery', '1.70', 40],
  ['Bocadillo de jamón', 'bakery', '4.50', 45],
  ['Fresh orange juice', 'drinks', '2.80', 50],
  ['Mineral water', 'drinks', '1.20', 40],
  ['Smoothie', 'drinks', '4.20', 18],
  ['Hot chocolate', 'drinks', '2.60', 22],
  ['Grinder', 'equipment', '89.00', 2],
  ['French press', 'equipment', '32.50', 3],
  ['Moka pot', 'equipment', '27.90', 4],
  ['Pour-over dripper', 'equipment', '19.90', 3],
  ['Kettle', 'equipment', '45.00', 2],
  ['Scale', 'equipment', '27.99', 2],
  ['Espresso machine', 'equipment', '349.00', 1],
  ['Milk frother', 'equipment', '39.00', 2],
  ['Travel mug', 'merch', '14.90', 8],
  ['Ceramic mug', 'merch', '9.90', 9],
  ['Tote bag', 'merch', '7.50', 5],
  ['Gift card 25', 'merch', '25.00', 4],
  ['Gift card 50', 'merch', '50.00', 2],
  ['Barista course', 'merch', '65.00', 1],
];

const FIRST_NAMES = [
  'Ana', 'Luis', 'Marta', 'Jorge', 'Lucía', 'Pablo', 'Elena', 'Diego', 'Sara', 'Iker', 'Nuria',
  'Javier', 'Carmen', 'Álvaro', 'Laura', 'Sergio', 'Paula', 'Daniel', 'Irene', 'Hugo', 'Claudia',
  'Adrián', 'Marina', 'Raúl', 'Cristina', 'Mario', 'Alba', 'Óscar', 'Noelia', 'Víctor', 'Amaia',
  'Xabier', 'Montserrat', 'Jordi', 'Aitana', 'Chen', 'Fatima', 'Youssef', 'Olga', 'Sean',
]; // prettier-ignore
const LAST_NAMES = [
  'García', 'López', 'Martín', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz', 'Díaz', 'Moreno', 'Álvarez',
  'Romero', 'Navarro', 'Torres', 'Domínguez', 'Vázquez', 'Ramos', 'Gil', 'Serrano', 'Blanco',
  'Molina', 'Castro', 'Ortiz', 'Rubio', 'Marín', 'Iglesias', 'Núñez', 'Medina', 'Garrido',
  'Etxeberria', 'Puig', 'Ferrer', 'Vidal', 'Castillo', 'Cortés', 'Lozano', 'Guerrero', 'Cano',
  'Prieto', "O'Connor", 'Wang',
]; // prettier-ignore

/** Orders per weekday, Monday first: Saturdays are busy, many shops close on Sunday. */
const WEEKDAY_WEIGHT = [92, 95, 98, 103, 118, 132, 62];
/** Orders per month: August is holidays, November has Black Friday, December Christmas. */
const MONTH_WEIGHT = [90, 86, 95, 97, 100, 101, 94, 76, 99, 103, 116, 140];
/** Days that differ from their weekday and month, in percent. */
const SPECIAL_DAYS: Record<string, number> = {
  '2024-01-01': 35,
  '2024-01-05': 150,
  '2024-01-06': 45,
  '2024-11-29': 260, // Black Friday
  '2024-12-02': 170, // Cyber Monday
  '2024-12-24': 150,
  '2024-12-25': 40,
  '2024-12-31': 75,
  '2025-01-01': 35,
  '2025-01-05': 150,
  '2025-01-06': 45,
  '2025-11-28': 260,
  '2025-12-01': 170,
  '2025-12-24': 150,
  '2025-12-25': 40,
  '2025-12-31': 75,
};
/** Orders per hour of the day (all channels): breakfast, lunch and after-work peaks, a quiet night. */
const HOUR_WEIGHT = [4, 2, 1, 1, 1, 2, 6, 22, 70, 88, 80, 72, 74, 82, 70, 62, 66, 78, 86, 76, 56, 22, 12, 7];
/** Where each hour starts on a scale of HOUR_WEIGHT × 3600 ticks (a tick of hour h is 1/w_h s). */
const HOUR_CUM = HOUR_WEIGHT.map((_, h) => HOUR_WEIGHT.slice(0, h).reduce((a, b) => a + b * 3600, 0));
const hourTicks = HOUR_WEIGHT.reduce((a, b) => a + b * 3600, 0);
const hourOf = (x: string) =>
  `CASE ${HOUR_CUM.slice(1)
    .map((c, h) => `WHEN ${x} < ${c} THEN ${h}`)
    .join(' ')} ELSE 23 END`;

/** Black Friday weeks: discounts for most orders. */
const SALE_WEEKS: Array<[string, string]> = [
  ['2024-11-25', '2024-12-02'],
  ['2025-11-24', '2025-12-01'],
];

// ------------------------------------------------------------------------------------------------
// The SQL.

export interface DemoSize {
  orders?: number;
  customers?: number;
  seed?: number;
}

export interface DemoTableSpec {
  /** `main.<name>` */
  name: string;
  /** What the table holds, stored as its COMMENT (agents and people read it in the catalog). */
  comment: string;
  columns: ReadonlyArray<readonly [name: string, type: string]>;
}

/** The demo tables as they end up in `main`, in the order they are created. */
export const DEMO_TABLES: readonly DemoTableSpec[] = [
  {
    name: 'stores',
    comment:
      'Demo coffee-shop chain: one row per store; the first store of each city is its flagship, which fulfils web and phone orders.',
    columns: [
      ['store_id', 'BIGINT NOT NULL'],
      ['name', 'VARCHAR NOT NULL'],
      ['city', 'VARCHAR NOT NULL'],
      ['region', 'VARCHAR NOT NULL'],
      ['format', 'VARCHAR NOT NULL'],
      ['latitude', 'DOUBLE NOT NULL'],
      ['longitude', 'DOUBLE NOT NULL'],
      ['opened_on', 'DATE NOT NULL'],
    ],
  },
  {
    name: 'products',
    comment: 'Demo products: price is the 2025 list price (2024 orders paid 5% less).',
    columns: [
      ['product_id', 'BIGINT NOT NULL'],
      ['name', 'VARCHAR NOT NULL'],
      ['category', 'VARCHAR NOT NULL'],
      ['price', 'DECIMAL(10,2) NOT NULL'],
    ],
  },
  {
    name: 'order_items',
    comment: 'Demo order lines: quantity × unit_price summed per order, minus its discount, is its amount.',
    columns: [
      ['order_id', 'BIGINT NOT NULL'],
      ['line', 'INTEGER NOT NULL'],
      ['product_id', 'BIGINT NOT NULL'],
      ['quantity', 'INTEGER NOT NULL'],
      ['unit_price', 'DECIMAL(10,2) NOT NULL'],
    ],
  },
  {
    name: 'customers',
    comment:
      'Demo customers: home city with coordinates, segment, signup date (before the first order); email is null for some.',
    columns: [
      ['customer_id', 'BIGINT NOT NULL'],
      ['name', 'VARCHAR NOT NULL'],
      ['email', 'VARCHAR'],
      ['segment', 'VARCHAR NOT NULL'],
      ['city', 'VARCHAR NOT NULL'],
      ['region', 'VARCHAR NOT NULL'],
      ['latitude', 'DOUBLE NOT NULL'],
      ['longitude', 'DOUBLE NOT NULL'],
      ['signup_date', 'DATE NOT NULL'],
    ],
  },
  {
    name: 'orders',
    comment:
      'Demo orders 2024-2025: status paid/refunded/cancelled/pending, channel store/web/phone; amount = sum of items − discount (null when none).',
    columns: [
      ['order_id', 'BIGINT NOT NULL'],
      ['customer_id', 'BIGINT NOT NULL'],
      ['store_id', 'BIGINT NOT NULL'],
      ['status', 'VARCHAR NOT NULL'],
      ['channel', 'VARCHAR NOT NULL'],
      ['ordered_at', 'TIMESTAMP NOT NULL'],
      ['amount', 'DECIMAL(12,2) NOT NULL'],
      ['discount', 'DECIMAL(12,2)'],
    ],
  },
];

/** The comment of main.orders starts with this: it marks a finished seeding of this dataset. */
export function demoMarker(version = DEMO_VERSION): string {
  return `edgeflow demo dataset v${version}`;
}

export interface DemoStep {
  /** The main table this step creates, or a working step's name. */
  table: string;
  /** Whether `table` is one of DEMO_TABLES (reported with its row count). */
  final: boolean;
  statements: string[];
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const B = BUILD_SCHEMA;

/**
 * The statements that seed the demo into `main`, step by step (so progress can be shown): working
 * tables in BUILD_SCHEMA first, the main tables, then main.orders with its marker, then the
 * working schema is dropped. Integer sizes are the caller's numbers, checked here.
 */
export function demoSeedSteps(size: DemoSize = {}): DemoStep[] {
  const nOrders = size.orders ?? DEMO_ORDERS;
  const nCustomers = size.customers ?? DEMO_CUSTOMERS;
  const seed = size.seed ?? DEMO_SEED;
  for (const [k, v] of Object.entries({ orders: nOrders, customers: nCustomers, seed }))
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`demo ${k} must be a positive integer, got ${v}`);
  const r = (i: string, stream: number) => sqlRandom(i, stream, seed);
  const spec = (name: string) => DEMO_TABLES.find((t) => t.name === name)!;
  const create = (name: string) =>
    `CREATE OR REPLACE TABLE main.${name} (${spec(name)
      .columns.map(([c, t]) => `${c} ${t}`)
      .join(', ')})`;
  const comment = (name: string, extra = '') =>
    `COMMENT ON TABLE main.${name} IS ${q(extra + spec(name).comment)}`;

  // Weighted choices use tickets: an item of weight w owns w consecutive ticket numbers, and a
  // uniform integer below the total weight is joined to its ticket (an equality hash join, several
  // times faster here than an ASOF join on the cumulative weight).
  let storeId = 1;
  let cum = 0;
  const cityRows = DEMO_CITIES.map((c, i) => {
    const row = `(${i + 1}, ${q(c.name)}, ${q(c.region)}, ${c.lat}, ${c.lon}, ${storeId}, ${c.stores}, ${cum}, ${c.weight})`;
    storeId += c.stores;
    cum += c.weight;
    return row;
  });
  const nStores = storeId - 1;
  const cityWeight = cum;
  const storeRows: string[] = [];
  storeId = 1;
  for (const [ci, c] of DEMO_CITIES.entries())
    for (let k = 0; k < c.stores; k++) {
      const opens = NEW_STORES[`${c.name} ${k + 1}`];
      storeRows.push(`(${storeId++}, ${ci + 1}, ${k}, ${opens ? `DATE ${q(opens)}` : 'NULL'})`);
    }
  let productCum = 0;
  const productRows = DEMO_PRODUCTS.map(([name, category, price, weight], i) => {
    const row = `(${i + 1}, ${q(name)}, ${q(category)}, ${price}, ${productCum}, ${weight})`;
    productCum += weight;
    return row;
  });
  const specialRows = Object.entries(SPECIAL_DAYS).map(([d, f]) => `(DATE ${q(d)}, ${f})`);
  const list = (xs: readonly (string | number)[]) =>
    `[${xs.map((x) => (typeof x === 'number' ? x : q(x))).join(', ')}]`;
  const saleWeek = (col: string) =>
    SALE_WEEKS.map(([a, b]) => `${col} BETWEEN DATE ${q(a)} AND DATE ${q(b)}`).join(' OR ');
  // Percent from 16 bits of a draw: `(r & 65535) * 100 >> 16` is 0..99, each within 0.2% of 1/100.
  const pct = (x: string) => `((${x} & 65535) * 100 >> 16)`;
  const pctHi = (x: string) => `((${x} >> 16) * 100 >> 16)`;

  const steps: DemoStep[] = [
    {
      table: 'prepare',
      final: false,
      statements: [
        `DROP SCHEMA IF EXISTS ${B} CASCADE`,
        `CREATE SCHEMA ${B}`,
        `CREATE SCHEMA IF NOT EXISTS main`,
      ],
    },
    {
      table: 'stores',
      final: true,
      statements: [
        `CREATE TABLE ${B}.cities AS SELECT * FROM (VALUES ${cityRows.join(', ')})
           t(city_no, city, region, lat, lon, first_store, n_stores, cum_start, weight)`,
        `CREATE TABLE ${B}.city_tickets AS
           SELECT city_no, unnest(range(cum_start, cum_start + weight)) AS ticket FROM ${B}.cities`,
        create('stores'),
        // Flagships opened 2012-2020, other stores 2016-2023, NEW_STORES on their date. Coordinates
        // are exact decimals (5 places, ~1 m) around the city centre, then doubles.
        `INSERT INTO main.stores
         SELECT s.store_id,
                c.city || ' ' || ${list(STORE_SUFFIX)}[s.k + 1],
                c.city, c.region,
                CASE WHEN s.k = 0 THEN 'flagship' WHEN s.store_id % 3 = 0 THEN 'kiosk' ELSE 'cafe' END,
                (c.lat::DECIMAL(9,5) + ((${r('s.store_id', S.storeSpot)} & 65535) * 6000 >> 16)::INTEGER * 0.00001 - 0.03)::DOUBLE,
                (c.lon::DECIMAL(9,5) + ((${r('s.store_id', S.storeSpot)} >> 16) * 6000 >> 16)::INTEGER * 0.00001 - 0.03)::DOUBLE,
                coalesce(s.opens, CASE WHEN s.k = 0
                  THEN DATE '2012-01-01' + (${r('s.store_id', S.storeOpened)} % 3288)::INTEGER
                  ELSE DATE '2016-01-01' + (${r('s.store_id', S.storeOpened)} % 2922)::INTEGER END)
         FROM (VALUES ${storeRows.join(', ')}) s(store_id, city_no, k, opens)
         JOIN ${B}.cities c USING (city_no)
         ORDER BY s.store_id`,
        comment('stores'),
      ],
    },
    {
      table: 'products',
      final: true,
      statements: [
        `CREATE TABLE ${B}.products AS SELECT product_id, name, category, price::DECIMAL(10,2) AS price, cum_start, weight
           FROM (VALUES ${productRows.join(', ')}) t(product_id, name, category, price, cum_start, weight)`,
        `CREATE TABLE ${B}.product_tickets AS
           SELECT product_id, category, price, unnest(range(cum_start, cum_start + weight)) AS ticket
           FROM ${B}.products`,
        create('products'),
        `INSERT INTO main.products SELECT product_id, name, category, price FROM ${B}.products ORDER BY product_id`,
        comment('products'),
      ],
    },
    {
      table: 'customer pool',
      final: false,
      statements: [
        // Home city by weight; segment; how often they buy (a heavy tail, so there are top customers).
        `CREATE TABLE ${B}.cust AS
         WITH base AS (
           SELECT i + 1 AS customer_id,
                  (${r('i + 1', S.custCity)} % ${cityWeight})::BIGINT AS city_pick,
                  ${r('i + 1', S.custName)} AS rn,
                  ${pct(r('i + 1', S.custSegment))} AS seg_pick,
                  ${pct(r('i + 1', S.custTier))} AS tier_pick,
                  ${r('i + 1', S.custLat)} AS r_lat,
                  ${r('i + 1', S.custLon)} AS r_lon,
                  ${pct(r('i + 1', S.custEmail))} AS email_pick
           FROM range(${nCustomers}) t(i)
         ), placed AS (
           SELECT b.*, c.city, c.region, c.lat, c.lon, c.first_store, c.n_stores,
                  ${list(FIRST_NAMES)}[(1 + b.rn % ${FIRST_NAMES.length})::BIGINT] AS first_name,
                  ${list(LAST_NAMES)}[(1 + (b.rn >> 16) % ${LAST_NAMES.length})::BIGINT] AS last_name,
                  CASE WHEN b.seg_pick < 80 THEN 'consumer' WHEN b.seg_pick < 95 THEN 'small_business'
                       ELSE 'corporate' END AS segment
           FROM base b JOIN ${B}.city_tickets t ON t.ticket = b.city_pick JOIN ${B}.cities c USING (city_no)
         ), weighted AS (
           SELECT *, (CASE WHEN tier_pick < 55 THEN 1 WHEN tier_pick < 85 THEN 3 WHEN tier_pick < 97 THEN 8 ELSE 25 END)
                     * (CASE segment WHEN 'corporate' THEN 4 WHEN 'small_business' THEN 2 ELSE 1 END) AS weight
           FROM placed
         )
         SELECT customer_id, first_name || ' ' || last_name AS name,
                CASE WHEN email_pick >= 6 THEN
                  lower(regexp_replace(strip_accents(first_name || '.' || last_name), '[^A-Za-z.]', '', 'g'))
                  || customer_id || '@example.com' END AS email,
                segment, city, region,
                -- Around the centre, denser near it (the sum of two uniforms), about ±9 km.
                (lat::DECIMAL(9,5) + (((r_lat & 65535) * 8000 >> 16) + ((r_lat >> 16) * 8000 >> 16))::INTEGER * 0.00001 - 0.08)::DOUBLE AS latitude,
                (lon::DECIMAL(9,5) + (((r_lon & 65535) * 8000 >> 16) + ((r_lon >> 16) * 8000 >> 16))::INTEGER * 0.00001 - 0.08)::DOUBLE AS longitude,
                first_store, n_stores, weight,
                (sum(weight) OVER (ORDER BY customer_id) - weight)::BIGINT AS cum_start
         FROM weighted`,
        `CREATE TABLE ${B}.cust_tickets AS
           SELECT customer_id, segment, first_store, n_stores, unnest(range(cum_start, cum_start + weight)) AS ticket
           FROM ${B}.cust`,
      ],
    },
    {
      table: 'calendar',
      final: false,
      statements: [
        // Orders per day: weekday × month × a steady growth × special days, allocated so that the
        // days' counts add up to exactly nOrders (floor of the cumulative share).
        `CREATE TABLE ${B}.days AS
         WITH d AS (
           SELECT DATE ${q(DEMO_FIRST_DAY)} + i::INTEGER AS day, i AS idx FROM range(${DAYS}) t(i)
         ), w AS (
           SELECT d.day, d.idx,
                  (${list(WEEKDAY_WEIGHT)}[isodow(d.day)] * ${list(MONTH_WEIGHT)}[month(d.day)]
                   * (2400 + d.idx) * coalesce(s.pct, 100))::BIGINT AS w
           FROM d LEFT JOIN (VALUES ${specialRows.join(', ')}) s(day, pct) ON s.day = d.day
         ), c AS (
           SELECT day, idx, w, sum(w) OVER (ORDER BY day) AS cum, sum(w) OVER () AS total FROM w
         )
         SELECT day, idx, (${nOrders} * (cum - w) // total)::BIGINT AS first_slot,
                (${nOrders} * cum // total - ${nOrders} * (cum - w) // total)::BIGINT AS n
         FROM c`,
      ],
    },
    {
      table: 'order times',
      final: false,
      statements: [
        // A time of day for every order slot, from an hourly profile of all channels together; the
        // order ids then follow time. Numbering within each day is enough: a day's slots are
        // consecutive. Only three columns go through the sort.
        `CREATE TABLE ${B}.ord_time AS
         WITH slots AS (
           SELECT day, idx, first_slot, first_slot + unnest(range(n)) AS slot FROM ${B}.days
         ), ticked AS (
           SELECT day, idx, first_slot, slot, ${r('slot', S.orderTime)} % ${hourTicks} AS x FROM slots
         ), timed AS (
           SELECT day, idx, first_slot, slot,
                  (h * 3600 + (x - ${list(HOUR_CUM)}[h + 1]) // ${list(HOUR_WEIGHT)}[h + 1])::INTEGER AS secs
           FROM (SELECT *, ${hourOf('x')} AS h FROM ticked)
         )
         SELECT first_slot + row_number() OVER (PARTITION BY day ORDER BY secs, slot) AS order_id, day, idx, secs
         FROM timed
         ORDER BY order_id`,
      ],
    },
    {
      table: 'order skeleton',
      final: false,
      statements: [
        `CREATE TABLE ${B}.ord AS
         WITH drawn AS (
           SELECT t.*,
                  (${r('order_id', S.orderCustomer)} % (SELECT count(*) FROM ${B}.cust_tickets))::BIGINT AS cust_pick,
                  ${r('order_id', S.orderChannel)} AS rc,
                  ${r('order_id', S.orderStore)} AS rs,
                  ${r('order_id', S.orderStatus)} AS rst,
                  ${r('order_id', S.orderDiscount)} AS rd,
                  ${r('order_id', S.orderLines)} AS rl
           FROM ${B}.ord_time t
         ), who AS (
           SELECT d.*, c.customer_id, c.segment, c.first_store, c.n_stores,
                  -- The channel depends on the hour: shops open 08:00-21:00, the phone line
                  -- 09:00-18:00, the web always; the web's share grows over the two years.
                  CASE WHEN d.secs < 28800 OR d.secs >= 75600 THEN 'web'
                       WHEN c.segment = 'corporate' THEN
                         CASE WHEN ${pct('d.rc')} < 25 THEN 'store'
                              WHEN ${pct('d.rc')} < 65 OR d.secs < 32400 OR d.secs >= 64800 THEN 'web'
                              ELSE 'phone' END
                       WHEN ${pct('d.rc')} < 64 - d.idx // 73 THEN 'store'
                       WHEN ${pct('d.rc')} < 95 OR d.secs < 32400 OR d.secs >= 64800 THEN 'web'
                       ELSE 'phone' END AS channel
           FROM drawn d JOIN ${B}.cust_tickets c ON c.ticket = d.cust_pick
         ), placed AS (
           SELECT w.*,
                  -- In-store orders: a store of the home city, sometimes one elsewhere (travel);
                  -- web and phone orders are fulfilled by the home city's flagship.
                  CASE WHEN w.channel <> 'store' THEN w.first_store
                       WHEN ${pctHi('w.rc')} < 6 THEN 1 + (w.rs >> 16) % ${nStores}
                       ELSE w.first_store + ((w.rs & 65535) * w.n_stores >> 16) END AS wanted_store
           FROM who w
         )
         SELECT p.order_id, p.day, p.customer_id,
                -- A store that is not open yet on that day cannot sell: the home flagship does.
                CASE WHEN st.opened_on <= p.day THEN p.wanted_store ELSE p.first_store END AS store_id,
                p.channel, p.segment,
                p.day + to_seconds(p.secs) AS ordered_at,
                -- The last three days still have pending orders; refunds are commoner on the web,
                -- cancellations on the phone.
                CASE WHEN p.idx >= ${DAYS - 3} AND ${pct('p.rst')} < 70 - (${DAYS - 1} - p.idx) * 20 THEN 'pending'
                     ELSE CASE p.channel
                       WHEN 'store' THEN CASE WHEN ${pctHi('p.rst')} < 95 THEN 'paid' WHEN ${pctHi('p.rst')} < 98 THEN 'refunded' ELSE 'cancelled' END
                       WHEN 'web' THEN CASE WHEN ${pctHi('p.rst')} < 88 THEN 'paid' WHEN ${pctHi('p.rst')} < 95 THEN 'refunded' ELSE 'cancelled' END
                       ELSE CASE WHEN ${pctHi('p.rst')} < 85 THEN 'paid' WHEN ${pctHi('p.rst')} < 89 THEN 'refunded' ELSE 'cancelled' END
                     END END AS status,
                -- Corporate customers have a 10% contract discount; most orders in Black Friday
                -- week get 20%; a few others a promotion.
                CASE WHEN p.segment = 'corporate' THEN 0.10
                     WHEN (${saleWeek('p.day')}) AND ${pct('p.rd')} < 55 THEN 0.20
                     WHEN ${pct('p.rd')} < 9 THEN [0.05, 0.10, 0.15][(1 + (p.rd >> 16) % 3)::BIGINT]
                END::DECIMAL(4,2) AS discount_rate,
                CASE WHEN ${pct('p.rl')} < 30 THEN 1 WHEN ${pct('p.rl')} < 60 THEN 2 WHEN ${pct('p.rl')} < 80 THEN 3
                     WHEN ${pct('p.rl')} < 92 THEN 4 ELSE 5 END
                  + CASE WHEN p.segment = 'corporate' THEN 1 ELSE 0 END AS n_lines
         FROM placed p JOIN main.stores st ON st.store_id = p.wanted_store`,
      ],
    },
    {
      table: 'order_items',
      final: true,
      statements: [
        create('order_items'),
        // Line k of order o draws from row number o * 8 + k (at most 6 lines an order).
        `INSERT INTO main.order_items
         WITH k AS (
           SELECT order_id, day, unnest(range(n_lines)) AS k FROM ${B}.ord
         ), l AS (
           SELECT order_id, day, k + 1 AS line,
                  (${r('order_id * 8 + k', S.itemProduct)} % ${productCum})::BIGINT AS prod_pick,
                  ${r('order_id * 8 + k', S.itemQuantity)} AS rq
           FROM k
         )
         SELECT l.order_id, l.line, p.product_id,
                CASE WHEN ${pct('l.rq')} < 60 THEN 1 WHEN ${pct('l.rq')} < 84 THEN 2 WHEN ${pct('l.rq')} < 94 THEN 3
                     ELSE 4 + (l.rq >> 16) % 3 END + CASE WHEN p.category = 'bakery' AND ${pctHi('l.rq')} < 30 THEN 1 ELSE 0 END,
                CASE WHEN l.day < DATE '2025-01-01' THEN round(p.price * 0.95, 2) ELSE p.price END::DECIMAL(10,2)
         FROM l JOIN ${B}.product_tickets p ON p.ticket = l.prod_pick`,
        comment('order_items'),
      ],
    },
    {
      table: 'customers',
      final: true,
      statements: [
        create('customers'),
        // Signed up up to three years before the first order (not before 2019); customers without
        // orders some time in 2019-2025.
        `INSERT INTO main.customers
         SELECT c.customer_id, c.name, c.email, c.segment, c.city, c.region, c.latitude, c.longitude,
                CASE WHEN f.first_day IS NULL
                     THEN DATE '2019-01-01' + (${r('c.customer_id', S.custSignup)} % 2557)::INTEGER
                     ELSE greatest(DATE '2019-01-01', f.first_day - (${r('c.customer_id', S.custSignup)} % 1096)::INTEGER) END
         FROM ${B}.cust c
         LEFT JOIN (SELECT customer_id, min(day) AS first_day FROM ${B}.ord GROUP BY customer_id) f USING (customer_id)
         ORDER BY c.customer_id`,
        comment('customers'),
      ],
    },
    {
      table: 'orders',
      final: true,
      statements: [
        create('orders'),
        `INSERT INTO main.orders
         WITH t AS (
           SELECT order_id, sum(quantity * unit_price) AS subtotal FROM main.order_items GROUP BY order_id
         ), d AS (
           SELECT o.*, t.subtotal, round(t.subtotal * o.discount_rate, 2)::DECIMAL(12,2) AS discount
           FROM ${B}.ord o JOIN t USING (order_id)
         )
         SELECT order_id, customer_id, store_id, status, channel, ordered_at,
                (subtotal - coalesce(discount, 0))::DECIMAL(12,2), discount
         FROM d`,
        // Written last: the marker says the whole dataset is there.
        comment('orders', `${demoMarker()} (seed ${seed}, ${nOrders} orders): `),
      ],
    },
    { table: 'cleanup', final: false, statements: [`DROP SCHEMA ${B} CASCADE`] },
  ];
  return steps;
}

/**
 * An order-independent fingerprint of the demo tables (per table: rows and the sum of the first 48
 * bits of each row's MD5), to check that two machines or two seedings produced the same rows.
 * Doubles and timestamps are written with explicit formats (not DuckDB's default text, which may
 * change between versions).
 */
export function demoChecksumSql(): string {
  const text: Record<string, string> = {
    stores: `concat_ws('|', store_id, name, city, region, format, round(latitude * 100000)::BIGINT, round(longitude * 100000)::BIGINT, strftime(opened_on, '%Y-%m-%d'))`,
    products: `concat_ws('|', product_id, name, category, price)`,
    order_items: `concat_ws('|', order_id, line, product_id, quantity, unit_price)`,
    customers: `concat_ws('|', customer_id, name, coalesce(email, '~'), segment, city, region, round(latitude * 100000)::BIGINT, round(longitude * 100000)::BIGINT, strftime(signup_date, '%Y-%m-%d'))`,
    orders: `concat_ws('|', order_id, customer_id, store_id, status, channel, strftime(ordered_at, '%Y-%m-%d %H:%M:%S'), amount, coalesce(discount::VARCHAR, '~'))`,
  };
  return DEMO_TABLES.map(
    (t) =>
      `SELECT '${t.name}' AS "table", count(*) AS "rows", sum(('0x' || substr(md5(${text[t.name]}), 1, 12))::BIGINT)::VARCHAR AS checksum FROM main.${t.name}`,
  ).join('\nUNION ALL\n');
}
