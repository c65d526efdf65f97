-- Segments are relative to the newest order in the data, not to the clock, so the
-- product gives the same answer whenever it is rebuilt from the same data.
with activity as (
    select
        customer_id,
        count(*) as orders,
        sum(total_amount) as revenue,
        min(placed_at) as first_order_at,
        max(placed_at) as last_order_at
    from commerce.orders
    where status <> 'cancelled'
    group by customer_id
),

reference_point as (
    select max(placed_at) as newest_order_at from commerce.orders
)

select
    c.customer_id,
    c.city,
    c.country,
    cast(c.signed_up_at as date) as signup_date,
    cast(coalesce(a.orders, 0) as integer) as orders_90d,
    cast(coalesce(a.revenue, 0) as decimal(12, 2)) as revenue_90d,
    a.first_order_at,
    a.last_order_at,
    cast(cast(r.newest_order_at as date) - cast(a.last_order_at as date) as integer) as days_since_last_order,
    case
        when c.signed_up_at >= r.newest_order_at - interval '30 days' then 'new'
        when a.orders is null then 'dormant'
        when cast(r.newest_order_at as date) - cast(a.last_order_at as date) > 30 then 'at_risk'
        when a.orders >= 6 then 'loyal'
        else 'regular'
    end as segment,
    c.marketing_opt_in
from commerce.customers_v2 as c
cross join reference_point as r
left join activity as a on a.customer_id = c.customer_id
