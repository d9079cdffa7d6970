/**
 * The demo warehouse: a small retail dataset (stores, customers, products, orders, order items)
 * generated deterministically from a seed, so every machine gets the same rows and the assistant's
 * evals have stable gold answers.
 */
export interface DemoTable {
  name: string;
  columns: Array<{ name: string; sql: string }>;
  rows: Array<Array<string | number | boolean | null>>;
}

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

const REGIONS: Record<string, string[]> = {
  North: ['Bilbao', 'Santander', 'Oviedo'],
  South: ['Sevilla', 'Málaga', 'Granada'],
  East: ['Valencia', 'Barcelona', 'Palma'],
  West: ['Vigo', 'Salamanca', 'Cáceres'],
  Center: ['Madrid', 'Toledo', 'Segovia'],
};
const SEGMENTS = ['consumer', 'small_business', 'corporate'];
const CATEGORIES: Record<string, Array<[string, number]>> = {
  coffee: [
    ['Espresso beans 1kg', 24.9],
    ['Decaf beans 500g', 13.5],
    ['Cold brew pack', 9.75],
    ['Single origin 250g', 11.2],
  ],
  tea: [
    ['Green tea 100g', 6.4],
    ['Earl grey 100g', 5.9],
    ['Matcha 50g', 18.0],
  ],
  equipment: [
    ['Grinder', 89.0],
    ['French press', 32.5],
    ['Kettle', 45.0],
    ['Scale', 27.99],
  ],
  bakery: [
    ['Croissant box', 8.5],
    ['Cookies', 4.25],
    ['Banana bread', 7.0],
  ],
};
const FIRST = [
  'Ana',
  'Luis',
  'Marta',
  'Jorge',
  'Lucía',
  'Pablo',
  'Elena',
  'Diego',
  'Sara',
  'Iker',
  'Nuria',
  "O'Brien",
  'Chen',
  'Amaia',
];
const LAST = ['García', 'López', 'Martín', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz', 'Díaz', 'Moreno', 'Álvarez'];
const CHANNELS = ['web', 'store', 'phone'];
const STATUSES: Array<[string, number]> = [
  ['paid', 0.7],
  ['refunded', 0.08],
  ['pending', 0.12],
  ['cancelled', 0.1],
];

const pad = (n: number) => String(n).padStart(2, '0');
const day = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const stamp = (d: Date) =>
  `${day(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

export function demoDataset(opts: { orders?: number; seed?: number } = {}): DemoTable[] {
  const rand = mulberry32(opts.seed ?? 20240101);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const nOrders = opts.orders ?? 20_000;

  const stores: DemoTable['rows'] = [];
  let storeId = 1;
  for (const [region, cities] of Object.entries(REGIONS)) {
    for (const city of cities) {
      const opened = new Date(
        Date.UTC(2018 + Math.floor(rand() * 6), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
      );
      stores.push([storeId, `${city} ${storeId % 2 ? 'Centro' : 'Norte'}`, city, region, day(opened)]);
      storeId++;
    }
  }
  const customers: DemoTable['rows'] = [];
  for (let id = 1; id <= 2000; id++) {
    const signup = new Date(Date.UTC(2021, 0, 1) + Math.floor(rand() * 1400) * 86_400_000);
    const email = rand() < 0.1 ? null : `customer${id}@example.com`;
    customers.push([
      id,
      `${pick(FIRST)} ${pick(LAST)}`,
      pick(SEGMENTS),
      pick(Object.values(REGIONS).flat()),
      day(signup),
      email,
    ]);
  }
  const products: DemoTable['rows'] = [];
  let productId = 1;
  for (const [category, items] of Object.entries(CATEGORIES))
    for (const [name, price] of items) products.push([productId++, name, category, price]);

  const orders: DemoTable['rows'] = [];
  const items: DemoTable['rows'] = [];
  const start = Date.UTC(2024, 0, 1);
  const span = Date.UTC(2025, 11, 31) - start;
  for (let id = 1; id <= nOrders; id++) {
    const t = new Date(start + Math.floor((rand() * span) / 1000) * 1000);
    let r = rand();
    let status = 'paid';
    for (const [s, p] of STATUSES) {
      if (r < p) {
        status = s;
        break;
      }
      r -= p;
    }
    const lines = 1 + Math.floor(rand() * 4);
    let amount = 0;
    for (let l = 0; l < lines; l++) {
      const p = pick(products);
      const qty = 1 + Math.floor(rand() * 3);
      amount += qty * (p[3] as number);
      items.push([id, l + 1, p[0]!, qty, p[3]!]);
    }
    const discount = rand() < 0.2 ? Math.round(amount * 0.1 * 100) / 100 : null;
    orders.push([
      id,
      1 + Math.floor(rand() * customers.length),
      1 + Math.floor(rand() * stores.length),
      status,
      pick(CHANNELS),
      stamp(t),
      Math.round(amount * 100) / 100,
      discount,
    ]);
  }

  return [
    {
      name: 'stores',
      columns: cols('store_id BIGINT', 'name VARCHAR', 'city VARCHAR', 'region VARCHAR', 'opened_on DATE'),
      rows: stores,
    },
    {
      name: 'customers',
      columns: cols(
        'customer_id BIGINT',
        'name VARCHAR',
        'segment VARCHAR',
        'city VARCHAR',
        'signup_date DATE',
        'email VARCHAR',
      ),
      rows: customers,
    },
    {
      name: 'products',
      columns: cols('product_id BIGINT', 'name VARCHAR', 'category VARCHAR', 'price DECIMAL(10,2)'),
      rows: products,
    },
    {
      name: 'orders',
      columns: cols(
        'order_id BIGINT',
        'customer_id BIGINT',
        'store_id BIGINT',
        'status VARCHAR',
        'channel VARCHAR',
        'ordered_at TIMESTAMP',
        'amount DECIMAL(12,2)',
        'discount DECIMAL(12,2)',
      ),
      rows: orders,
    },
    {
      name: 'order_items',
      columns: cols(
        'order_id BIGINT',
        'line BIGINT',
        'product_id BIGINT',
        'quantity INTEGER',
        'unit_price DECIMAL(10,2)',
      ),
      rows: items,
    },
  ];
}

function cols(...defs: string[]): DemoTable['columns'] {
  return defs.map((d) => {
    const [name, ...type] = d.split(' ');
    return { name: name!, sql: type.join(' ') };
  });
}
