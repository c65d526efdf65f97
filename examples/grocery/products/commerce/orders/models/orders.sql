-- Orders with their totals. An order's amounts come from its lines; the delivery fee
-- from the order itself.
with line_totals as (
    select
        order_id,
        count(*) as line_count,
        sum(quantity) as units,
        sum(unit_price * quantity) as basket_amount,
        sum(discount_amount) as discount_amount
    from stg_order_lines
    group by order_id
)

select
    o.order_id,
    o.customer_id,
    o.placed_at,
    o.hub_id,
    o.delivery_date,
    o.slot_start,
    o.slot_end,
    o.status,
    o.platform,
    o.payment_method,
    o.voucher_code,
    cast(coalesce(l.line_count, 0) as integer) as line_count,
    cast(coalesce(l.units, 0) as integer) as units,
    cast(coalesce(l.basket_amount, 0) as decimal(12, 2)) as basket_amount,
    cast(coalesce(l.discount_amount, 0) as decimal(12, 2)) as discount_amount,
    o.delivery_fee,
    cast(coalesce(l.basket_amount, 0) - coalesce(l.discount_amount, 0) + o.delivery_fee as decimal(12, 2)) as total_amount
from stg_orders as o
left join line_totals as l on l.order_id = o.order_id
