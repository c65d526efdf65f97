/**
 * A small mesh for contract tests: orders and customers (commerce), revenue
 * reading both (finance), segments reading customers (growth); and a helper to
 * edit its files.
 */
export const SHOP_MESH: Readonly<Record<string, string>> = {
  'tessera.yaml': 'name: shop\ndefaults:\n  access: public\n',
  'teams.yaml': `teams:
  - id: commerce-team
    name: Commerce
    domains: [commerce]
  - id: finance-team
    name: Finance
    domains: [finance]
  - id: growth-team
    name: Growth
    domains: [growth]
`,
  'products/commerce/orders/product.yaml': `name: orders
domain: commerce
owner: commerce-team
kind: source-aligned
sources:
  - name: raw_orders
    format: csv
    path: data/orders.csv
ports:
  - name: orders
    model: stg_orders
    unique_key: order_id
    description: One row per order.
    columns:
      - name: order_id
        type: BIGINT
        required: true
        unique: true
      - name: customer_id
        type: BIGINT
        required: true
      - name: amount
        type: DECIMAL(12,2)
      - name: status
        type: VARCHAR
        allowed_values: [placed, shipped, cancelled]
    checks:
      - row_count > 0
`,
  'products/commerce/orders/models/stg_orders.sql': 'select order_id, customer_id, amount, status from raw_orders\n',
  'products/commerce/customers/product.yaml': `name: customers
domain: commerce
owner: commerce-team
kind: source-aligned
sources:
  - name: raw_customers
    format: csv
    path: data/customers.csv
ports:
  - name: customers
    columns:
      - name: customer_id
        type: BIGINT
        required: true
      - name: country
        type: VARCHAR
`,
  'products/commerce/customers/models/customers.sql': 'select customer_id, country from raw_customers\n',
  'products/finance/revenue/product.yaml': `name: revenue
domain: finance
owner: finance-team
kind: aggregate
ports:
  - name: daily_revenue
    unique_key: [day, country]
    columns:
      - name: day
        type: DATE
      - name: country
        type: VARCHAR
      - name: revenue
        type: DECIMAL(14,2)
features:
  - name: revenue_dashboard
    type: dashboard
    inputs: [commerce.orders]
`,
  'products/finance/revenue/models/daily_revenue.sql':
    'select current_date as day, c.country, sum(o.amount) as revenue\nfrom commerce.orders as o join commerce.customers as c using (customer_id)\ngroup by all\n',
  'products/growth/segments/product.yaml': `name: segments
domain: growth
owner: growth-team
kind: consumer-aligned
ports:
  - name: segments
    access: internal
    columns:
      - name: customer_id
        type: BIGINT
      - name: segment
        type: VARCHAR
features:
  - name: churn_model
    type: ml_model
    inputs: [growth.segments]
`,
  'products/growth/segments/models/segments.sql': "select customer_id, 'new' as segment from commerce.customers\n",
};

/** Replaces one exact piece of text, failing loudly when it is not there (a typo in a test). */
export function swap(from: string, to: string): (text: string) => string {
  return (text) => {
    if (!text.includes(from)) throw new Error(`not found: ${from}`);
    return text.replace(from, to);
  };
}
