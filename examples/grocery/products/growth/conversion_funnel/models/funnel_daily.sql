-- Funnel per day and platform; order revenue comes from the orders the sessions placed.
-- A ratio is rounded through DECIMAL(20, 10) first: DuckDB divides in binary floating point and
-- PostgreSQL in exact decimals, and a half-way ratio must round the same way on both.
select
    s.session_date,
    s.platform,
    cast(count(*) as integer) as sessions,
    cast(count(*) filter (where s.article_views > 0 or s.searches > 0) as integer) as browsing_sessions,
    cast(count(*) filter (where s.add_to_carts > 0) as integer) as cart_sessions,
    cast(count(*) filter (where s.reached_checkout) as integer) as checkout_sessions,
    cast(count(*) filter (where s.converted) as integer) as converted_sessions,
    cast(cast(cast(count(*) filter (where s.converted) as double precision) / count(*) as decimal(20, 10)) as decimal(5, 4)) as conversion_rate,
    cast(coalesce(sum(o.total_amount), 0) as decimal(14, 2)) as order_revenue
from growth.sessions as s
left join commerce.orders as o on o.order_id = s.order_id
group by s.session_date, s.platform
