/**
 * Deterministic data generator for the example mesh `examples/grocery`: an online
 * grocery with electric delivery vehicles, hubs, fulfilment centres and pickers.
 *
 * Every file is written by DuckDB itself (`COPY (SELECT …) TO …`) from `range()`, with
 * pseudo-randomness taken from hashes of (key, seed, salt) — never random() — so the
 * output is a pure function of (seed, scale, asOf, generation): the same inputs give
 * byte-identical files on any number of threads. The big pipelines (orders, order lines,
 * pick events, drops) keep DuckDB's insertion order because they only filter, project
 * and unnest; everything joined, aggregated or unioned is sorted explicitly.
 *
 * One table of orders (`ob`) holds the facts every other file derives from, so a drop,
 * a pick event and a clickstream session always agree with their order. Sources carry
 * deliberate mess where real exports have it (mixed spellings, lower-case codes, text
 * slots, missing values, late deliveries, duplicated scanner events); the example's
 * staging models clean it.
 *
 * - `scale`      number of orders (≈ 4 order lines each). 2,000 for the demo; 5,000,000
 *                gives ≈ 20M order lines and ≈ 20M pick events for benchmarks.
 * - `seed`       changes every random choice.
 * - `asOf`       the day the data ends (UTC, YYYY-MM-DD, default: today). Orders cover the
 *                90 days before it, so freshness checks pass when the mesh runs that day.
 * - `generation` a later extract of the same source systems: with generation + 1 some
 *                vehicles change status or hub and some articles change price, everything
 *                else stays the same, so the snapshots (vehicle_history, article_price_history)
 *                record new versions. Generation 0 is the first extract.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export interface GenerateOptions {
  /** Number of orders (default 2,000). */
  scale?: number;
  /** Seed for every pseudo-random choice (default 42). */
  seed?: number;
  /** Last day of data, exclusive: a Date or YYYY-MM-DD (default: today, UTC). */
  asOf?: Date | string;
  /** Extract number: each step changes some vehicle statuses/hubs and article prices (default 0). */
  generation?: number;
  /** DuckDB threads (default: all cores). Does not change the output. */
  threads?: number;
  /** Called with a short message before each file is written. */
  onProgress?: (message: string) => void;
}

export interface GeneratedFile {
  /** Path relative to the mesh root, with forward slashes, e.g. data/commerce/orders.csv. */
  path: string;
  rows: number;
  bytes: number;
}

export interface GenerateSummary {
  files: GeneratedFile[];
  seconds: number;
  scale: number;
  seed: number;
  asOf: string;
  generation: number;
}

/** Days of order history before `asOf`. */
export const ORDER_DAYS = 90;
/** Days of clickstream the web analytics export keeps (growth events). */
export const EVENT_DAYS = 7;
/** Percentage of customers who accept analytics tracking; the others' orders have no session. */
export const TRACKING_CONSENT_PERCENT = 60;
/** Orders per order-line / pick-event part file. */
export const ORDERS_PER_PART = 1_000_000;
/** Size of the assortment. */
export const ARTICLE_COUNT = 1_500;
/** Customers sign up over the three years before `asOf`. */
const SIGNUP_DAYS = 1_095;

/** The data folders the generator owns; they are emptied before writing. */
const DATA_DIRS = ['data/commerce', 'data/delivery', 'data/fulfilment', 'data/growth'] as const;

interface Hub {
  code: string;
  name: string;
  city: string;
  country: 'NL' | 'DE';
  fc: string;
  postal: string;
  lat: number;
  lon: number;
  opened: string;
}

const FULFILMENT_CENTRES = ['FC-NL-UTR', 'FC-NL-RTD', 'FC-DE-VIE'] as const;

const HUBS: readonly Hub[] = [
  { code: 'AMS-01', name: 'Amsterdam Noord', city: 'Amsterdam', country: 'NL', fc: 'FC-NL-UTR', postal: '10', lat: 52.4, lon: 4.92, opened: '2019-03-04' },
  { code: 'AMS-02', name: 'Amsterdam Zuidoost', city: 'Amsterdam', country: 'NL', fc: 'FC-NL-UTR', postal: '11', lat: 52.31, lon: 4.95, opened: '2020-06-15' },
  { code: 'RTD-01', name: 'Rotterdam Waalhaven', city: 'Rotterdam', country: 'NL', fc: 'FC-NL-RTD', postal: '30', lat: 51.88, lon: 4.43, opened: '2018-09-10' },
  { code: 'UTR-01', name: 'Utrecht Lage Weide', city: 'Utrecht', country: 'NL', fc: 'FC-NL-UTR', postal: '35', lat: 52.1, lon: 5.06, opened: '2018-05-22' },
  { code: 'DHG-01', name: 'Den Haag Binckhorst', city: 'Den Haag', country: 'NL', fc: 'FC-NL-RTD', postal: '25', lat: 52.07, lon: 4.34, opened: '2019-11-01' },
  { code: 'EIN-01', name: 'Eindhoven De Hurk', city: 'Eindhoven', country: 'NL', fc: 'FC-NL-RTD', postal: '56', lat: 51.45, lon: 5.43, opened: '2020-02-03' },
  { code: 'HLM-01', name: 'Haarlem Waarderpolder', city: 'Haarlem', country: 'NL', fc: 'FC-NL-UTR', postal: '20', lat: 52.39, lon: 4.66, opened: '2021-04-12' },
  { code: 'ALM-01', name: 'Almere Stad', city: 'Almere', country: 'NL', fc: 'FC-NL-UTR', postal: '13', lat: 52.37, lon: 5.22, opened: '2021-09-27' },
  { code: 'AMF-01', name: 'Amersfoort De Hoef', city: 'Amersfoort', country: 'NL', fc: 'FC-NL-UTR', postal: '38', lat: 52.16, lon: 5.39, opened: '2022-01-17' },
  { code: 'DUS-01', name: 'Düsseldorf Reisholz', city: 'Düsseldorf', country: 'DE', fc: 'FC-DE-VIE', postal: '40', lat: 51.18, lon: 6.86, opened: '2021-03-01' },
  { code: 'CGN-01', name: 'Köln Ossendorf', city: 'Köln', country: 'DE', fc: 'FC-DE-VIE', postal: '50', lat: 50.97, lon: 6.9, opened: '2022-05-09' },
  { code: 'ESS-01', name: 'Essen Altendorf', city: 'Essen', country: 'DE', fc: 'FC-DE-VIE', postal: '45', lat: 51.46, lon: 6.98, opened: '2023-02-13' },
];

interface Subcategory {
  category: string;
  name: string;
  /** VAT rate in the Netherlands: 9% for food, 21% otherwise. */
  vat: string;
  nouns: readonly string[];
  /** Brands besides the house brand. */
  brands: readonly string[];
  sizes: readonly string[];
  /** Shelf prices run from about the first to the second number (euro, VAT included). */
  prices: readonly [number, number];
}

/** The shop's own label: about 45% of the articles. */
const HOUSE_BRAND = 'Greenbasket';
const FOOD = '0.09';
const NON_FOOD = '0.21';

const SUBCATEGORIES: readonly Subcategory[] = [
  { category: 'Fruit & vegetables', name: 'Fruit', vat: FOOD, prices: [0.99, 4.99], nouns: ['Bananas', 'Apples Elstar', 'Pears Conference', 'Strawberries', 'Blueberries', 'Mandarins', 'Kiwis', 'Grapes white'], brands: ['Fairtrade Original', 'BioFresh'], sizes: ['500 g', '1 kg', '250 g', '6 pieces'] },
  { category: 'Fruit & vegetables', name: 'Vegetables', vat: FOOD, prices: [0.49, 3.49], nouns: ['Tomatoes', 'Cucumber', 'Broccoli', 'Carrots', 'Onions', 'Bell peppers', 'Courgette', 'Spinach'], brands: ['BioFresh', 'Hollandse Oogst'], sizes: ['500 g', '1 kg', 'per piece', '300 g'] },
  { category: 'Fruit & vegetables', name: 'Salads', vat: FOOD, prices: [0.99, 3.49], nouns: ['Lettuce mix', 'Rocket', 'Lamb\'s lettuce', 'Caesar salad kit'], brands: ['Florette'], sizes: ['100 g', '150 g', '200 g'] },
  { category: 'Dairy & eggs', name: 'Milk', vat: FOOD, prices: [0.89, 2.99], nouns: ['Semi-skimmed milk', 'Whole milk', 'Oat drink', 'Buttermilk'], brands: ['Campina', 'Oatly', 'Arla'], sizes: ['1 l', '1.5 l', '500 ml'] },
  { category: 'Dairy & eggs', name: 'Cheese', vat: FOOD, prices: [1.99, 8.99], nouns: ['Gouda young', 'Gouda matured', 'Mozzarella', 'Brie', 'Grated cheese'], brands: ['Beemster', 'Galbani', 'Milner'], sizes: ['200 g', '400 g', '125 g'] },
  { category: 'Dairy & eggs', name: 'Yoghurt', vat: FOOD, prices: [0.99, 3.49], nouns: ['Greek yoghurt', 'Vanilla custard', 'Skyr', 'Quark'], brands: ['Danone', 'Arla', 'Optimel'], sizes: ['500 g', '1 l', '450 g'] },
  { category: 'Dairy & eggs', name: 'Eggs', vat: FOOD, prices: [1.99, 4.49], nouns: ['Free-range eggs', 'Organic eggs'], brands: ['Kipster'], sizes: ['6 pieces', '10 pieces', '12 pieces'] },
  { category: 'Bakery', name: 'Bread', vat: FOOD, prices: [1.29, 3.99], nouns: ['Wholemeal bread', 'White bread', 'Sourdough', 'Rye bread'], brands: ['Bakkerij Bart', 'Lieken'], sizes: ['800 g', '400 g', '600 g'] },
  { category: 'Bakery', name: 'Pastry', vat: FOOD, prices: [1.49, 5.99], nouns: ['Croissants', 'Stroopwafels', 'Apple pie', 'Muffins'], brands: ['Daelmans', 'Bakkerij Bart'], sizes: ['4 pieces', '8 pieces', '300 g'] },
  { category: 'Meat & fish', name: 'Meat', vat: FOOD, prices: [2.49, 12.99], nouns: ['Chicken breast', 'Minced beef', 'Pork tenderloin', 'Smoked sausage'], brands: ['Unox', 'Vion'], sizes: ['300 g', '500 g', '1 kg'] },
  { category: 'Meat & fish', name: 'Fish', vat: FOOD, prices: [2.99, 14.99], nouns: ['Salmon fillet', 'Cod fillet', 'Shrimps', 'Smoked mackerel'], brands: ['Royal Greenland'], sizes: ['200 g', '250 g', '400 g'] },
  { category: 'Meat & fish', name: 'Vegetarian', vat: FOOD, prices: [1.99, 5.99], nouns: ['Vegan burger', 'Tofu', 'Plant-based mince', 'Falafel'], brands: ['Vegetarische Slager', 'Beyond Meat'], sizes: ['200 g', '300 g', '2 pieces'] },
  { category: 'Pantry', name: 'Pasta & rice', vat: FOOD, prices: [0.79, 3.99], nouns: ['Spaghetti', 'Penne', 'Basmati rice', 'Couscous', 'Noodles'], brands: ['Barilla', 'Lassie', 'Conimex'], sizes: ['500 g', '1 kg', '400 g'] },
  { category: 'Pantry', name: 'Sauces', vat: FOOD, prices: [0.99, 4.49], nouns: ['Tomato sauce', 'Pesto', 'Mayonnaise', 'Ketchup', 'Peanut sauce'], brands: ['Calvé', 'Heinz', 'Grand\'Italia'], sizes: ['500 ml', '250 ml', '400 g'] },
  { category: 'Pantry', name: 'Breakfast', vat: FOOD, prices: [1.49, 5.49], nouns: ['Muesli', 'Oatmeal', 'Chocolate sprinkles', 'Peanut butter', 'Jam strawberry'], brands: ['De Ruijter', 'Calvé', 'Quaker'], sizes: ['375 g', '500 g', '750 g'] },
  { category: 'Drinks', name: 'Coffee & tea', vat: FOOD, prices: [2.49, 9.99], nouns: ['Ground coffee', 'Coffee beans', 'Coffee pods', 'Green tea', 'Earl Grey'], brands: ['Douwe Egberts', 'Pickwick', 'Lavazza'], sizes: ['250 g', '500 g', '20 bags', '36 pods'] },
  { category: 'Drinks', name: 'Soft drinks', vat: FOOD, prices: [0.79, 4.99], nouns: ['Cola', 'Orange juice', 'Sparkling water', 'Ice tea', 'Apple juice'], brands: ['Coca-Cola', 'Spa', 'Lipton', 'Appelsientje'], sizes: ['1.5 l', '1 l', '6 x 330 ml'] },
  { category: 'Drinks', name: 'Beer', vat: NON_FOOD, prices: [3.99, 14.99], nouns: ['Pilsner', 'IPA', 'Blond', 'Alcohol-free pilsner'], brands: ['Heineken', 'Brand', 'La Chouffe'], sizes: ['6 x 330 ml', '12 x 300 ml', '4 x 330 ml'] },
  { category: 'Drinks', name: 'Wine', vat: NON_FOOD, prices: [4.49, 14.99], nouns: ['Red wine', 'White wine', 'Rosé', 'Prosecco'], brands: ['Casillero del Diablo', 'Jacob\'s Creek'], sizes: ['750 ml', '1.5 l'] },
  { category: 'Snacks', name: 'Crisps & nuts', vat: FOOD, prices: [0.99, 3.49], nouns: ['Paprika crisps', 'Salted crisps', 'Cashew nuts', 'Peanuts', 'Tortilla chips'], brands: ['Lay\'s', 'Duyvis', 'Doritos'], sizes: ['150 g', '225 g', '300 g'] },
  { category: 'Snacks', name: 'Chocolate & sweets', vat: FOOD, prices: [0.99, 4.49], nouns: ['Milk chocolate', 'Dark chocolate', 'Liquorice', 'Wine gums'], brands: ['Tony\'s Chocolonely', 'Venco', 'Haribo'], sizes: ['180 g', '100 g', '250 g'] },
  { category: 'Frozen', name: 'Frozen', vat: FOOD, prices: [1.49, 6.99], nouns: ['Pizza margherita', 'French fries', 'Ice cream vanilla', 'Frozen spinach', 'Fish fingers'], brands: ['Dr. Oetker', 'McCain', 'Ben & Jerry\'s', 'Iglo'], sizes: ['1 kg', '450 g', '500 ml', '10 pieces'] },
  { category: 'Household', name: 'Cleaning', vat: NON_FOOD, prices: [1.99, 14.99], nouns: ['Dishwasher tablets', 'Laundry detergent', 'All-purpose cleaner', 'Toilet paper', 'Kitchen roll'], brands: ['Ariel', 'Finish', 'Page', 'Dreft'], sizes: ['30 pieces', '1.3 l', '8 rolls', '4 rolls'] },
  { category: 'Personal care', name: 'Personal care', vat: NON_FOOD, prices: [1.49, 7.99], nouns: ['Shampoo', 'Toothpaste', 'Shower gel', 'Deodorant'], brands: ['Dove', 'Zendium', 'Andrélon'], sizes: ['250 ml', '75 ml', '150 ml'] },
  { category: 'Baby', name: 'Diapers', vat: NON_FOOD, prices: [2.99, 24.99], nouns: ['Diapers size 3', 'Diapers size 4', 'Baby wipes'], brands: ['Pampers', 'Huggies'], sizes: ['48 pieces', '60 pieces', '64 wipes'] },
  { category: 'Baby', name: 'Baby food', vat: FOOD, prices: [0.99, 19.99], nouns: ['Infant formula', 'Fruit pouch', 'Vegetable jar'], brands: ['Nutrilon', 'Olvarit'], sizes: ['800 g', '90 g', '200 g'] },
];

const FIRST_NAMES = [
  'Emma', 'Daan', 'Sophie', 'Lucas', 'Julia', 'Sem', 'Mila', 'Levi', 'Tess', 'Finn', 'Anna', 'Noah', 'Lisa', 'Milan',
  'Sara', 'Bram', 'Eva', 'Thomas', 'Fleur', 'Jesse', 'Lotte', 'Ruben', 'Noor', 'Lars', 'Maria', 'Jan', 'Fatima',
  'Mohammed', 'Laura', 'Max', 'Lena', 'Paul', 'Hannah', 'Felix', 'Mia', 'Jonas', 'Amira', 'Ahmet', 'Ingrid', 'Pieter',
];
const LAST_NAMES = [
  'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer',
  'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'Yilmaz',
  'El Amrani', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Wagner', 'Hoffmann', 'Schulz', 'Koch',
  'Kaya', 'Nguyen', 'Kowalski', 'Pereira', 'Öztürk', 'Wouters', 'Maas', 'Kok',
];
const STREETS = {
  NL: ['Kerkstraat', 'Dorpsstraat', 'Schoolstraat', 'Molenweg', 'Stationsweg', 'Julianalaan', 'Beatrixstraat', 'Lindenlaan', 'Prinsengracht', 'Marktplein', 'Eikenlaan', 'Parkweg'],
  DE: ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Lindenstraße', 'Kirchweg', 'Rheinallee', 'Bergstraße', 'Ringstraße', 'Am Markt', 'Friedhofstraße', 'Parkstraße'],
};
const EMAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'ziggo.nl', 'kpnmail.nl', 'web.de', 'gmx.de', 'icloud.com'];
const SEARCH_TERMS = ['milk', 'bananas', 'pasta', 'coffee', 'bread', 'cheese', 'wine', 'crisps', 'yoghurt', 'eggs', 'tomatoes', 'diapers', 'pizza', 'chicken', 'oat milk', 'stroopwafels'];
/** Units per order line: 60% one, 25% two, 10% three, 5% four to six. */
const QUANTITIES: readonly number[] = [...Array<number>(24).fill(1), ...Array<number>(10).fill(2), ...Array<number>(4).fill(3), 4, 6];
const VOUCHERS = ['WELCOME10', 'FREEDELIVERY', 'SPRING5', 'FRIEND15'];

/** Normalises `asOf` to a YYYY-MM-DD UTC day. */
export function asOfDay(asOf: Date | string | undefined): string {
  if (asOf === undefined) return new Date().toISOString().slice(0, 10);
  if (asOf instanceof Date) {
    if (Number.isNaN(asOf.getTime())) throw new Error('asOf is not a valid date');
    return asOf.toISOString().slice(0, 10);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) {
    throw new Error(`asOf must be a date as YYYY-MM-DD, got "${asOf}"`);
  }
  return asOf;
}

function str(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function list(values: readonly (string | number)[]): string {
  return `[${values.map((v) => (typeof v === 'number' ? String(v) : str(v))).join(', ')}]`;
}

function nestedList(values: readonly (readonly string[])[]): string {
  return `[${values.map((v) => list(v)).join(', ')}]`;
}

/** Everything the SQL needs, as literals. */
interface Params {
  seed: number;
  orders: number;
  customers: number;
  vehiclesPerHub: number;
  pickersPerFc: number;
  asOf: string;
  generation: number;
}

function deriveParams(scale: number, seed: number, asOf: string, generation: number): Params {
  const perDay = scale / ORDER_DAYS;
  return {
    seed,
    orders: scale,
    customers: Math.max(20, Math.ceil(scale / 6)),
    vehiclesPerHub: Math.max(2, Math.ceil(perDay / 20 / HUBS.length)),
    pickersPerFc: Math.max(4, Math.ceil(perDay / 80 / FULFILMENT_CENTRES.length)),
    asOf,
    generation,
  };
}

/**
 * The building blocks as SQL macros, with every parameter baked in as a literal.
 * rnd(k, salt) ∈ [0, 1), pick(k, salt, n) ∈ [0, n); the *2 variants take a second key.
 * Salts are distinct small integers so that each choice is independent.
 */
function macros(p: Params): string[] {
  const H = HUBS.length;
  const seed = `${p.seed}::BIGINT`;
  const start = `(TIMESTAMP '${p.asOf} 00:00:00' - INTERVAL ${ORDER_DAYS} DAY)`;
  return [
    // hash(k, seed, salt) would be cheaper, but DuckDB combines the hashes of several arguments so weakly
    // that nearby salts give correlated values; mixing with a second hash() makes every choice independent.
    `CREATE OR REPLACE MACRO hk(k, salt) AS hash(xor(hash(k::BIGINT), hash(${seed} * 1000003 + salt::BIGINT)))`,
    `CREATE OR REPLACE MACRO hk2(k, l, salt) AS hash(xor(hk(k, salt), hash(l::BIGINT)))`,
    `CREATE OR REPLACE MACRO rnd(k, salt) AS ((hk(k, salt) >> 11)::DOUBLE / 9007199254740992.0)`,
    `CREATE OR REPLACE MACRO rnd2(k, l, salt) AS ((hk2(k, l, salt) >> 11)::DOUBLE / 9007199254740992.0)`,
    `CREATE OR REPLACE MACRO pick(k, salt, n) AS (hk(k, salt) % (n)::UBIGINT)::BIGINT`,
    `CREATE OR REPLACE MACRO pick2(k, l, salt, n) AS (hk2(k, l, salt) % (n)::UBIGINT)::BIGINT`,
    `CREATE OR REPLACE MACRO as_of() AS TIMESTAMP '${p.asOf} 00:00:00'`,
    `CREATE OR REPLACE MACRO start_ts() AS ${start}`,
    // Hubs and the assortment as constant lists (no joins, so pipelines keep their order).
    `CREATE OR REPLACE MACRO hub_code(h) AS (${list(HUBS.map((h) => h.code))})[(h) + 1]`,
    `CREATE OR REPLACE MACRO hub_city(h) AS (${list(HUBS.map((h) => h.city))})[(h) + 1]`,
    `CREATE OR REPLACE MACRO hub_country(h) AS (${list(HUBS.map((h) => h.country))})[(h) + 1]`,
    `CREATE OR REPLACE MACRO hub_postal(h) AS (${list(HUBS.map((h) => h.postal))})[(h) + 1]`,
    `CREATE OR REPLACE MACRO hub_fc(h) AS (${list(HUBS.map((h) => FULFILMENT_CENTRES.indexOf(h.fc as (typeof FULFILMENT_CENTRES)[number])))})[(h) + 1]`,
    `CREATE OR REPLACE MACRO fc_code(f) AS (${list(FULFILMENT_CENTRES)})[(f) + 1]`,
    // Customers: customer c signs up at as_of - SIGNUP_DAYS + c * SIGNUP_DAYS / C and lives near one hub.
    `CREATE OR REPLACE MACRO customer_hub(c) AS pick(c, 3, ${H})`,
    `CREATE OR REPLACE MACRO customer_id(c) AS (100001 + (c))::BIGINT`,
    // Only customers who accepted analytics tracking leave a clickstream.
    `CREATE OR REPLACE MACRO tracked(c) AS (pick(c, 55, 100) < ${TRACKING_CONSENT_PERCENT})`,
    // Articles: a base price ending in 9 cents within the subcategory's range, skewed to cheap.
    `CREATE OR REPLACE MACRO article_id(a) AS (1001 + (a))::BIGINT`,
    `CREATE OR REPLACE MACRO price_of(x) AS (floor((x) * 10) / 10 + 0.09)::DECIMAL(8,2)`,
    `CREATE OR REPLACE MACRO article_subcategory(a) AS pick(a, 21, ${SUBCATEGORIES.length})`,
    `CREATE OR REPLACE MACRO base_price(a) AS price_of(${list(SUBCATEGORIES.map((s) => s.prices[0]))}[article_subcategory(a) + 1] + pow(rnd(a, 20), 1.6) * ${list(SUBCATEGORIES.map((s) => Math.round((s.prices[1] - s.prices[0]) * 100) / 100))}[article_subcategory(a) + 1])`,
    // Codes of vehicles and pickers. (Not looked up in a list from a scalar subquery: that plans
    // as a join, and a join does not keep the insertion order the big files rely on.)
    `CREATE OR REPLACE MACRO vehicle_code(v) AS 'EV-' || lpad(((v) + 1)::VARCHAR, 5, '0')`,
    `CREATE OR REPLACE MACRO picker_code(x) AS 'PK-' || lpad(((x) + 1)::VARCHAR, 5, '0')`,
    // A trip is one vehicle's tour in one wave of one day.
    `CREATE OR REPLACE MACRO trip_id(v, d, wave) AS ((v) + 1) * 1000000 + ((d) - DATE '2000-01-01') * 10 + (wave)`,
    // Order line l (0-based) of order i: popular articles are ordered much more often.
    `CREATE OR REPLACE MACRO l_article(i, l) AS floor(${ARTICLE_COUNT} * pow(rnd2(i, l, 12), 2.2))::BIGINT`,
    `CREATE OR REPLACE MACRO l_quantity(i, l) AS (${list(QUANTITIES)})[1 + pick2(i, l, 13, ${QUANTITIES.length})]::INTEGER`,
  ];
}

/**
 * One row per order with the facts every other file derives from. Order i is placed on day
 * `day` (volume grows over the period), more often in the evening, by a customer who had
 * signed up by then (long-standing customers order more often).
 */
function orderBaseSql(p: Params): string {
  return `
    CREATE OR REPLACE TABLE ob AS
    SELECT
      *,
      delivery_date::TIMESTAMP + to_hours(slot_hour) AS slot_start,
      delivery_date::TIMESTAMP + to_hours(slot_hour + 1) AS slot_end,
      CASE
        WHEN rnd(i, 6) < 0.02 THEN 'cancelled'
        WHEN delivery_date::TIMESTAMP + to_hours(slot_hour + 3) > as_of() THEN 'confirmed'
        WHEN rnd(i, 7) < 0.006 THEN 'failed'
        ELSE 'delivered'
      END AS status
    FROM (
      SELECT
        i,
        (10000001 + i)::BIGINT AS order_id,
        day,
        c,
        customer_hub(c) AS h,
        start_ts() + to_days(day::INTEGER) + to_seconds(21600 + floor(63000 * pow(rnd(i, 1), 0.7))::BIGINT) AS placed_at,
        start_ts()::DATE + (day + 1 + (rnd(i, 4) < 0.3)::INTEGER)::INTEGER AS delivery_date,
        (8 + pick(i, 5, 13))::INTEGER AS slot_hour,
        (1 + pick(i, 10, 4) + pick(i, 11, 4))::INTEGER AS k
      FROM (
        SELECT i, day, floor(pow(rnd(i, 2), 1.5) * ${p.customers} * (${SIGNUP_DAYS - ORDER_DAYS} + day) / ${SIGNUP_DAYS}.0)::BIGINT AS c
        FROM (SELECT i, floor(${ORDER_DAYS} * pow(i::DOUBLE / ${p.orders}, 0.85))::BIGINT AS day FROM range(${p.orders}) t(i))
      )
    )`;
}

function ordersSql(): string {
  return `
    SELECT
      order_id,
      customer_id(c) AS customer_id,
      placed_at,
      CASE WHEN pick(i, 15, 100) < 2 THEN lower(hub_code(h)) ELSE hub_code(h) END AS hub_code,
      delivery_date,
      lpad(slot_hour::VARCHAR, 2, '0') || ':00-' || lpad((slot_hour + 1)::VARCHAR, 2, '0') || ':00' AS delivery_slot,
      status,
      CASE
        WHEN pick(i, 8, 100) < 30 THEN 'ios'
        WHEN pick(i, 8, 100) < 44 THEN 'iOS'
        WHEN pick(i, 8, 100) < 70 THEN 'android'
        WHEN pick(i, 8, 100) < 83 THEN 'Android'
        ELSE 'web'
      END AS platform,
      CASE
        WHEN pick(i, 9, 100) < 55 THEN 'ideal'
        WHEN pick(i, 9, 100) < 75 THEN 'sepa_direct_debit'
        WHEN pick(i, 9, 100) < 90 THEN 'credit_card'
        ELSE 'paypal'
      END AS payment_method,
      CASE WHEN pick(i, 16, 100) < 7 THEN ${list(VOUCHERS)}[1 + pick(i, 17, ${VOUCHERS.length})] END AS voucher_code,
      (CASE WHEN pick(i, 18, 100) < 65 THEN 0 WHEN pick(i, 18, 100) < 90 THEN 1.99 ELSE 2.99 END)::DECIMAL(6,2) AS delivery_fee
    FROM ob`;
}

function orderLinesSql(from: number, to: number): string {
  return `
    SELECT
      order_id,
      (l + 1)::INTEGER AS line_number,
      article_id(a) AS article_id,
      quantity,
      unit_price,
      CASE WHEN pick2(i, l, 19, 100) < 6 THEN round(unit_price * quantity * 0.25, 2)::DECIMAL(10,2) END AS discount_amount
    FROM (
      SELECT i, order_id, l, a, quantity, base_price(a) AS unit_price
      FROM (
        SELECT i, order_id, l, l_article(i, l) AS a, l_quantity(i, l) AS quantity
        FROM (SELECT i, order_id, unnest(range(k)) AS l FROM ob WHERE i >= ${from} AND i < ${to})
      )
    )`;
}

function customersSql(p: Params): string {
  const nl = list(STREETS.NL);
  const de = list(STREETS.DE);
  return `
    SELECT
      customer_id(c) AS customer_id,
      first_name,
      last_name,
      CASE WHEN pick(c, 34, 100) < 3 THEN upper(email) ELSE email END AS email,
      CASE
        WHEN pick(c, 35, 100) < 4 THEN NULL
        WHEN hub_country(h) = 'DE' THEN '+49 1' || (50 + pick(c, 36, 30)) || ' ' || lpad(pick(c, 37, 10000000)::VARCHAR, 7, '0')
        WHEN pick(c, 38, 100) < 50 THEN '+31 6 ' || lpad(pick(c, 37, 100000000)::VARCHAR, 8, '0')
        ELSE '06-' || lpad(pick(c, 37, 100000000)::VARCHAR, 8, '0')
      END AS phone,
      CASE WHEN hub_country(h) = 'DE' THEN ${de}[1 + pick(c, 39, 12)] ELSE ${nl}[1 + pick(c, 39, 12)] END AS street,
      (1 + floor(pow(rnd(c, 40), 2) * 240))::INTEGER::VARCHAR || CASE WHEN pick(c, 41, 100) < 8 THEN ['A', 'B', '-1', '-2'][1 + pick(c, 42, 4)] ELSE '' END AS house_number,
      CASE WHEN hub_country(h) = 'DE'
        THEN hub_postal(h) || lpad(pick(c, 43, 1000)::VARCHAR, 3, '0')
        ELSE hub_postal(h) || lpad(pick(c, 43, 100)::VARCHAR, 2, '0') || ' ' || chr(65 + pick(c, 44, 26)::INTEGER) || chr(65 + pick(c, 45, 26)::INTEGER)
      END AS postal_code,
      hub_city(h) AS city,
      hub_country(h) AS country,
      CASE WHEN pick(c, 46, 100) >= 15 THEN (as_of()::DATE - (6570 + floor(pow(rnd(c, 47), 1.3) * 21900))::INTEGER) END AS birth_date,
      signed_up_at,
      pick(c, 48, 100) < 35 AS marketing_opt_in
    FROM (
      SELECT
        c,
        customer_hub(c) AS h,
        ${list(FIRST_NAMES)}[1 + pick(c, 30, ${FIRST_NAMES.length})] AS first_name,
        ${list(LAST_NAMES)}[1 + pick(c, 31, ${LAST_NAMES.length})] AS last_name,
        replace(replace(replace(lower(first_name || '.' || last_name), ' ', ''), 'ü', 'ue'), 'ö', 'oe') || c || '@' || ${list(EMAIL_DOMAINS)}[1 + pick(c, 32, ${EMAIL_DOMAINS.length})] AS email,
        as_of() - INTERVAL ${SIGNUP_DAYS} DAY + to_seconds(floor(c * ${SIGNUP_DAYS * 86400}.0 / ${p.customers})::BIGINT + pick(c, 33, 3600)) AS signed_up_at
      FROM range(${p.customers}) t(c)
    )`;
}

function articlesSql(p: Params): string {
  return `
    WITH events AS (
      -- price changes: each generation, about 6% of the articles get a new price
      SELECT a, x FROM range(${ARTICLE_COUNT}) t(a), range(1, ${p.generation + 1}) g(x) WHERE pick2(a, x, 81, 100) < 6
    ), latest AS (
      SELECT a, max(x) AS x FROM events GROUP BY a
    ), base AS (
      SELECT
        a,
        article_subcategory(a) AS s,
        CASE WHEN pick(a, 24, 100) < 45 THEN ${str(HOUSE_BRAND)}
          ELSE ${nestedList(SUBCATEGORIES.map((s) => s.brands))}[article_subcategory(a) + 1][1 + pick(a, 26, 840) % len(${nestedList(SUBCATEGORIES.map((s) => s.brands))}[article_subcategory(a) + 1])]
        END AS brand,
        as_of()::DATE - (30 + pick(a, 25, 2500))::INTEGER AS introduced_on
      FROM range(${ARTICLE_COUNT}) t(a)
    )
    SELECT
      article_id(a) AS article_id,
      'SKU-' || lpad((article_id(a) * 7919 % 1000003)::VARCHAR, 7, '0') AS sku,
      brand || ' ' || ${nestedList(SUBCATEGORIES.map((s) => s.nouns))}[s + 1][1 + pick(a, 22, 840) % len(${nestedList(SUBCATEGORIES.map((s) => s.nouns))}[s + 1])]
        || CASE WHEN pick(a, 27, 100) < 12 THEN ' organic' ELSE '' END AS name,
      brand,
      ${list(SUBCATEGORIES.map((s) => s.category))}[s + 1] AS category,
      ${list(SUBCATEGORIES.map((s) => s.name))}[s + 1] AS subcategory,
      ${nestedList(SUBCATEGORIES.map((s) => s.sizes))}[s + 1][1 + pick(a, 23, 840) % len(${nestedList(SUBCATEGORIES.map((s) => s.sizes))}[s + 1])] AS unit_size,
      CASE WHEN latest.x IS NULL THEN base_price(a) ELSE price_of(base_price(a)::DOUBLE * (0.85 + 0.3 * rnd2(a, latest.x, 82))) END AS price,
      ${list(SUBCATEGORIES.map((s) => s.vat))}[s + 1]::DECIMAL(4,2) AS vat_rate,
      pick(a, 27, 100) < 12 AS is_organic,
      pick(a, 28, 100) >= 3 AS is_active,
      introduced_on,
      CASE WHEN latest.x IS NULL THEN introduced_on::TIMESTAMP + to_hours(6)
        ELSE as_of() - INTERVAL 6 HOUR + to_minutes(latest.x * 5) END AS updated_at
    FROM base LEFT JOIN latest USING (a)
    ORDER BY article_id`;
}

function hubsSql(): string {
  const rows = HUBS.map(
    (h) => `(${str(h.code)}, ${str(h.name)}, ${str(h.city)}, ${str(h.country)}, ${str(h.fc)}, ${h.lat}, ${h.lon}, DATE '${h.opened}', ${h.country === 'DE' ? 40 : 60})`,
  );
  return `
    SELECT hub_code, name, city, country, fc_code, latitude::DECIMAL(8,5) AS latitude, longitude::DECIMAL(8,5) AS longitude, opened_on, vehicle_bays
    FROM (VALUES ${rows.join(', ')}) v(hub_code, name, city, country, fc_code, latitude, longitude, opened_on, vehicle_bays)
    ORDER BY hub_code`;
}

/** Vehicle v belongs to hub v % H in generation 0; later generations move some or take them out of service. */
function vehiclesSql(p: Params): string {
  const H = HUBS.length;
  const V = H * p.vehiclesPerHub;
  return `
    WITH base AS (
      SELECT
        v,
        CASE WHEN pick(v, 70, 100) < 86 THEN 'active' WHEN pick(v, 70, 100) < 96 THEN 'maintenance' ELSE 'retired' END AS status0,
        v % ${H} AS hub0
      FROM range(${V}) t(v)
    ), events AS (
      SELECT v, x, pick2(v, x, 72, 10) AS kind
      FROM base, range(1, ${p.generation + 1}) g(x)
      WHERE status0 <> 'retired' AND pick2(v, x, 71, 100) < 25
    ), latest AS (
      SELECT
        v,
        arg_max(CASE WHEN kind < 5 THEN 'maintenance' ELSE 'active' END, x) FILTER (WHERE kind < 8) AS status,
        arg_max(pick2(v, x, 73, ${H}), x) FILTER (WHERE kind >= 8) AS hub,
        max(x) AS x
      FROM events GROUP BY v
    )
    SELECT
      vehicle_code(v) AS vehicle_id,
      CASE WHEN pick(v, 74, 100) < 2 THEN NULL
        WHEN hub_country(hub0) = 'DE' THEN 'D-PN-' || (100 + pick(v, 75, 9000))::VARCHAR || 'E'
        ELSE 'V-' || (100 + pick(v, 75, 900))::VARCHAR || '-' || chr(66 + pick(v, 76, 24)::INTEGER) || chr(66 + pick(v, 77, 24)::INTEGER) END AS license_plate,
      ['Goupil G4', 'Goupil G4', 'Goupil G6', 'Alke ATX 340E', 'StreetScooter Work'][1 + pick(v, 78, 5)] AS model,
      CASE WHEN pick(v, 79, 100) < 3 THEN lower(hub_code(coalesce(latest.hub, hub0))) ELSE hub_code(coalesce(latest.hub, hub0)) END AS hub_code,
      coalesce(latest.status, status0) AS status,
      CASE WHEN pick(v, 80, 100) < 3 THEN NULL ELSE [10.0, 14.4, 18.0][1 + pick(v, 78, 5) % 3]::DECIMAL(5,1) END AS battery_capacity_kwh,
      start_ts()::DATE - (30 + pick(v, 83, 1400))::INTEGER AS commissioned_on,
      CASE WHEN latest.x IS NULL THEN (start_ts()::DATE - (30 + pick(v, 83, 1400))::INTEGER)::TIMESTAMP + to_hours(9)
        ELSE as_of() - INTERVAL 6 HOUR + to_minutes(latest.x * 5) END AS updated_at
    FROM base LEFT JOIN latest USING (v)
    ORDER BY vehicle_id`;
}

/** Drops of settled orders: the vehicle of the order's hub that delivered it, arrival and service time. */
function dropsTableSql(p: Params): string {
  const H = HUBS.length;
  return `
    CREATE OR REPLACE TABLE drops AS
    SELECT
      i,
      (30000001 + i)::BIGINT AS drop_id,
      order_id,
      h,
      k,
      delivery_date,
      (CASE WHEN slot_hour < 12 THEN 1 WHEN slot_hour < 17 THEN 2 ELSE 3 END)::INTEGER AS wave,
      h + ${H} * pick(i, 31, ${p.vehiclesPerHub}) AS v,
      CASE
        WHEN rnd(i, 32) < 0.045 THEN slot_end + to_seconds(60 + floor(pow(rnd(i, 33), 1.5) * 2400)::BIGINT)
        WHEN rnd(i, 32) < 0.055 THEN slot_start - to_seconds(60 + floor(rnd(i, 33) * 840)::BIGINT)
        ELSE slot_start + to_seconds(floor(rnd(i, 33) * 3540)::BIGINT)
      END AS arrived_at,
      (70 + floor(pow(rnd(i, 34), 2) * 420) + 25 * k)::BIGINT AS service_seconds,
      status
    FROM ob
    WHERE status IN ('delivered', 'failed')`;
}

function dropsSql(): string {
  return `
    SELECT
      drop_id,
      trip_id(v, delivery_date, wave) AS trip_id,
      order_id,
      vehicle_code(v) AS vehicle_id,
      hub_code(h) AS hub_code,
      arrived_at,
      CASE WHEN pick(i, 35, 1000) < 3 THEN NULL ELSE arrived_at + to_seconds(service_seconds) END AS departed_at,
      status,
      CASE WHEN status = 'failed' THEN ['customer_not_home', 'customer_not_home', 'address_not_found', 'refused'][1 + pick(i, 36, 4)] END AS failure_reason
    FROM drops`;
}

function tripsSql(): string {
  return `
    SELECT
      trip_id(v, delivery_date, wave) AS trip_id,
      vehicle_code(v) AS vehicle_id,
      hub_code(any_value(h)) AS hub_code,
      delivery_date,
      wave,
      min(arrived_at) - INTERVAL 25 MINUTE AS departed_hub_at,
      max(arrived_at + to_seconds(service_seconds)) + INTERVAL 25 MINUTE AS returned_hub_at,
      count(*)::INTEGER AS drop_count,
      round(6 + count(*) * 2.4 + rnd2(v, (delivery_date - DATE '2000-01-01') * 4 + wave, 37) * 6, 1)::DECIMAL(6,1) AS distance_km,
      round((6 + count(*) * 2.4) * (0.16 + rnd2(v, (delivery_date - DATE '2000-01-01') * 4 + wave, 38) * 0.05), 2)::DECIMAL(6,2) AS energy_used_kwh
    FROM drops
    GROUP BY v, delivery_date, wave
    ORDER BY trip_id`;
}

/**
 * One pick event per order line of every order picked before as_of. About 0.4% of the orders
 * send the event of their last line twice (a scanner retry, recorded 2 seconds later).
 */
function pickEventsSql(p: Params, from: number, to: number): string {
  const F = FULFILMENT_CENTRES.length;
  return `
    SELECT
      (order_id * 10 + l + 1)::BIGINT AS pick_id,
      order_id,
      (l + 1)::INTEGER AS line_number,
      article_id(l_article(i, l)) AS article_id,
      fc_code,
      picker_id,
      quantity AS quantity_ordered,
      (CASE WHEN shortage < 5 THEN 0 WHEN shortage < 20 THEN greatest(quantity - 1, 0) ELSE quantity END)::INTEGER AS quantity_picked,
      pick_start + to_seconds(offset_seconds) AS picked_at,
      (6 + floor(pow(rnd2(i, l, 43), 2) * 70))::INTEGER AS duration_seconds,
      pick_start + to_seconds(offset_seconds + 1 + 2 * retry) AS recorded_at
    FROM (
      SELECT *, l_quantity(i, l) AS quantity, pick2(i, l, 41, 1000) AS shortage, l * 40 + pick2(i, l, 42, 30) AS offset_seconds
      FROM (
        SELECT i, order_id, fc_code, picker_id, pick_start, least(seq, k - 1) AS l, (seq = k)::INTEGER AS retry
        FROM (
          SELECT
            i, order_id, k,
            fc_code(hub_fc(h)) AS fc_code,
            picker_code(hub_fc(h) + ${F} * pick(i, 40, ${p.pickersPerFc})) AS picker_id,
            slot_start - to_seconds(10800 + pick(i, 39, 7200)) AS pick_start,
            unnest(range(k + (pick(i, 44, 250) = 0)::INTEGER)) AS seq
          FROM ob
          WHERE i >= ${from} AND i < ${to} AND status <> 'cancelled' AND slot_start - INTERVAL 1 HOUR < as_of()
        )
      )
    )
    -- Already in this order; sorting anyway makes the Parquet row groups independent of the threads.
    ORDER BY pick_id, recorded_at`;
}

function pickersSql(p: Params): string {
  const F = FULFILMENT_CENTRES.length;
  return `
    SELECT
      picker_code(x) AS picker_id,
      fc_code(x % ${F}) AS fc_code,
      CASE WHEN pick(x, 90, 100) < 60 THEN 'employee' ELSE 'flex' END AS employment_type,
      CASE WHEN pick(x, 90, 100) < 60 THEN [24, 32, 36, 40][1 + pick(x, 91, 4)] END::INTEGER AS contract_hours,
      as_of()::DATE - (7 + pick(x, 92, 1500))::INTEGER AS started_on
    FROM range(${F * p.pickersPerFc}) t(x)
    ORDER BY picker_id`;
}

/**
 * The events of one day: a session for every order placed that day by a customer who accepts tracking
 * (start, a view, one add_to_cart per line up to three, checkout, order_placed) and sessions that
 * browsed without ordering, some of them anonymous.
 */
function eventsSql(p: Params, day: number, firstOrder: number, lastOrder: number, browseSessions: number): string {
  const props = (article: string, quantity: string, term: string, order: string) =>
    `{'article_id': (${article})::BIGINT, 'quantity': (${quantity})::INTEGER, 'search_term': (${term})::VARCHAR, 'order_id': (${order})::BIGINT}`;
  const none = props('NULL', 'NULL', 'NULL', 'NULL');
  const terms = list(SEARCH_TERMS);
  const dayOffset = day - (ORDER_DAYS - EVENT_DAYS);
  return `
    WITH converting AS (
      SELECT
        i * 2 AS sn,
        seq,
        m,
        c,
        CASE
          WHEN seq = 0 THEN 'session_start'
          WHEN seq = 1 THEN 'article_view'
          WHEN seq <= m + 1 THEN 'add_to_cart'
          WHEN seq = m + 2 THEN 'checkout_start'
          ELSE 'order_placed'
        END AS event_type,
        CASE
          WHEN seq <= m + 1 THEN placed_at - to_seconds(300 + pick(i, 50, 1500) - seq * 35)
          WHEN seq = m + 2 THEN placed_at - INTERVAL 60 SECOND
          ELSE placed_at
        END AS occurred_at,
        CASE
          WHEN seq = 0 OR seq = m + 2 THEN ${none}
          WHEN seq = 1 THEN ${props('article_id(l_article(i, 0))', 'NULL', 'NULL', 'NULL')}
          WHEN seq <= m + 1 THEN ${props('article_id(l_article(i, seq - 2))', 'l_quantity(i, seq - 2)', 'NULL', 'NULL')}
          ELSE ${props('NULL', 'NULL', 'NULL', 'order_id')}
        END AS properties,
        CASE WHEN pick(i, 8, 100) < 44 THEN 'ios' WHEN pick(i, 8, 100) < 83 THEN 'android' ELSE 'web' END AS platform
      FROM (
        SELECT i, order_id, c, placed_at, least(k, 3) AS m, unnest(range(least(k, 3) + 4)) AS seq
        FROM ob WHERE i >= ${firstOrder} AND i <= ${lastOrder} AND tracked(c)
      )
    ), browsing AS (
      SELECT
        j * 2 + 1 AS sn,
        seq,
        CASE WHEN pick(j, 65, 100) < 55 THEN floor(rnd(j, 66) * ${p.customers} * (${SIGNUP_DAYS - ORDER_DAYS} + ${day}) / ${SIGNUP_DAYS}.0)::BIGINT END AS c,
        CASE
          WHEN seq = 0 THEN 'session_start'
          WHEN seq <= v THEN CASE WHEN pick2(j, seq, 68, 100) < 30 THEN 'search' ELSE 'article_view' END
          WHEN seq = v + 1 AND cart = 1 THEN 'add_to_cart'
          ELSE 'checkout_start'
        END AS event_type,
        start_ts() + to_days(${day}) + to_seconds(21600 + floor(61200 * pow(rnd(j, 67), 0.7))::BIGINT + seq * (20 + pick(j, 69, 60))) AS occurred_at,
        CASE
          WHEN seq = 0 OR seq > v + cart THEN ${none}
          WHEN seq <= v AND pick2(j, seq, 68, 100) < 30 THEN ${props('NULL', 'NULL', `${terms}[1 + pick2(j, seq, 70, ${SEARCH_TERMS.length})]`, 'NULL')}
          WHEN seq <= v THEN ${props(`article_id(floor(${ARTICLE_COUNT} * pow(rnd2(j, seq, 71), 2.2)))`, 'NULL', 'NULL', 'NULL')}
          ELSE ${props(`article_id(floor(${ARTICLE_COUNT} * pow(rnd2(j, seq, 72), 2.2)))`, '1', 'NULL', 'NULL')}
        END AS properties,
        CASE WHEN pick(j, 64, 100) < 45 THEN 'ios' WHEN pick(j, 64, 100) < 80 THEN 'android' ELSE 'web' END AS platform
      FROM (
        SELECT *, unnest(range(1 + v + cart + checkout)) AS seq
        FROM (
          SELECT j, 1 + pick(j, 61, 4) AS v, (pick(j, 62, 100) < 30)::INTEGER AS cart, (pick(j, 62, 100) < 6)::INTEGER AS checkout
          FROM range(${browseSessions}) t(j)
          WHERE j % ${EVENT_DAYS} = ${dayOffset}
        )
      )
    ), events AS (
      SELECT sn, seq, c, event_type, occurred_at, properties, platform FROM converting
      UNION ALL
      SELECT sn, seq, c, event_type, occurred_at, properties, platform FROM browsing
    )
    SELECT
      'evt_' || (sn * 16 + seq) AS event_id,
      event_type,
      strftime(occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS occurred_at,
      'ses_' || sn AS session_id,
      'dev_' || lower(to_hex(CASE WHEN c IS NULL THEN hk(sn, 52) ELSE hk(c, 51) END)) AS anonymous_id,
      customer_id(c) AS customer_id,
      platform,
      CASE WHEN platform = 'web' THEN NULL ELSE '3.' || (40 + pick(sn, 53, 6)) || '.' || pick(sn, 54, 3) END AS app_version,
      properties
    FROM events
    ORDER BY occurred_at, sn, seq`;
}

async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS();
}

/**
 * Writes every source file of the example mesh under `<meshDir>/data/`.
 * The folders data/commerce, data/delivery, data/fulfilment and data/growth are emptied first.
 */
export async function generateGroceryData(meshDir: string, options: GenerateOptions = {}): Promise<GenerateSummary> {
  const started = performance.now();
  const scale = options.scale ?? 2_000;
  const seed = options.seed ?? 42;
  const generation = options.generation ?? 0;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`scale must be a positive whole number of orders, got ${scale}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be a whole number from 0 to 4294967295, got ${seed}`);
  if (!Number.isInteger(generation) || generation < 0) throw new Error(`generation must be a non-negative whole number, got ${generation}`);
  const asOf = asOfDay(options.asOf);
  const threads = options.threads ?? availableParallelism();
  const p = deriveParams(scale, seed, asOf, generation);
  const progress = options.onProgress ?? (() => undefined);

  for (const dir of DATA_DIRS) {
    await rm(join(meshDir, dir), { recursive: true, force: true });
  }
  for (const dir of ['data/commerce/order_lines', 'data/delivery', 'data/fulfilment/pick_events', 'data/growth/events']) {
    await mkdir(join(meshDir, dir), { recursive: true });
  }

  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    threads: String(threads),
  });
  const connection = await instance.connect();
  const files: GeneratedFile[] = [];
  try {
    await connection.run(`SET preserve_insertion_order = true; SET TimeZone = 'UTC'`);
    for (const macro of macros(p)) await connection.run(macro);

    const write = async (relative: string, sql: string, format: 'csv' | 'parquet' | 'json'): Promise<void> => {
      progress(`writing ${relative}`);
      const target = join(meshDir, relative);
      const formatOptions =
        format === 'csv' ? 'FORMAT csv, HEADER true' : format === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT json';
      const result = await rowsOf(connection, `COPY (${sql}) TO ${str(target)} (${formatOptions})`);
      const rows = Number(result[0]?.Count ?? 0);
      const { size } = await stat(target);
      files.push({ path: relative, rows, bytes: size });
    };

    // Small dimension files.
    await write('data/delivery/hubs.csv', hubsSql(), 'csv');
    await write('data/delivery/vehicles.csv', vehiclesSql(p), 'csv');
    await write('data/commerce/articles.parquet', articlesSql(p), 'parquet');
    await write('data/commerce/customers.csv', customersSql(p), 'csv');
    await write('data/fulfilment/pickers.csv', pickersSql(p), 'csv');

    // Orders and what hangs off them.
    progress('building orders');
    await connection.run(orderBaseSql(p));
    await write('data/commerce/orders.csv', ordersSql(), 'csv');
    const parts = Math.ceil(p.orders / ORDERS_PER_PART);
    for (let part = 0; part < parts; part++) {
      const from = part * ORDERS_PER_PART;
      const to = Math.min(p.orders, from + ORDERS_PER_PART);
      const name = `part-${String(part).padStart(5, '0')}`;
      await write(`data/commerce/order_lines/${name}.csv`, orderLinesSql(from, to), 'csv');
      await write(`data/fulfilment/pick_events/${name}.parquet`, pickEventsSql(p, from, to), 'parquet');
    }

    progress('building drops');
    await connection.run(dropsTableSql(p));
    await write('data/delivery/drops.csv', dropsSql(), 'csv');
    await write('data/delivery/trips.csv', tripsSql(), 'csv');
    await connection.run('DROP TABLE drops');

    // Clickstream: one newline-delimited JSON file per day for the last EVENT_DAYS days.
    const firstDay = ORDER_DAYS - EVENT_DAYS;
    const ranges = await rowsOf(
      connection,
      `SELECT day, min(i) AS lo, max(i) AS hi, count(*) FILTER (WHERE tracked(c)) AS tracked
       FROM ob WHERE day >= ${firstDay} GROUP BY day ORDER BY day`,
    );
    const byDay = new Map<number, { lo: number; hi: number }>();
    let trackedOrders = 0;
    for (const row of ranges) {
      byDay.set(Number(row.day), { lo: Number(row.lo), hi: Number(row.hi) });
      trackedOrders += Number(row.tracked);
    }
    // For every tracked session that ends in an order, about two that do not.
    const browseSessions = trackedOrders * 2 + EVENT_DAYS * 4;
    for (let day = firstDay; day < ORDER_DAYS; day++) {
      const range = byDay.get(day) ?? { lo: 0, hi: -1 };
      const date = new Date(Date.parse(`${asOf}T00:00:00Z`) - (ORDER_DAYS - day) * 86_400_000).toISOString().slice(0, 10);
      await write(`data/growth/events/events-${date}.json`, eventsSql(p, day, range.lo, range.hi, browseSessions), 'json');
    }
    await connection.run('DROP TABLE ob');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }

  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, seconds: (performance.now() - started) / 1000, scale, seed, asOf, generation };
}
