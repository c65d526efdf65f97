-- A ratio is rounded through DECIMAL(20, 10) first: DuckDB divides in binary floating point and
-- PostgreSQL in exact decimals, and a half-way ratio must round the same way on both.
with line_totals as (
    select
        revenue_date,
        hub_id,
        sum(quantity) as units,
        sum(gross_amount) as gross_revenue,
        sum(net_amount) as net_revenue,
        sum(discount_amount) as discounts
    from revenue_lines
    group by revenue_date, hub_id
),

order_totals as (
    select
        delivery_date as revenue_date,
        hub_id,
        count(*) as orders,
        sum(delivery_fee) as delivery_fees
    from commerce.orders
    where status = 'delivered'
    group by delivery_date, hub_id
)

select
    o.revenue_date,
    o.hub_id,
    cast(o.orders as integer) as orders,
    cast(coalesce(l.units, 0) as integer) as units,
    cast(coalesce(l.gross_revenue, 0) as decimal(14, 2)) as gross_revenue,
    cast(coalesce(l.net_revenue, 0) as decimal(14, 2)) as net_revenue,
    cast(coalesce(l.gross_revenue, 0) - coalesce(l.net_revenue, 0) as decimal(14, 2)) as vat_amount,
    cast(coalesce(l.discounts, 0) as decimal(14, 2)) as discounts,
    cast(o.delivery_fees as decimal(14, 2)) as delivery_fees,
    cast(cast(coalesce(l.gross_revenue, 0) / o.orders as decimal(20, 10)) as decimal(10, 2)) as avg_basket
from order_totals as o
left join line_totals as l on l.revenue_date = o.revenue_date and l.hub_id = o.hub_id
