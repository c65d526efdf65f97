select
    revenue_date,
    category,
    cast(count(distinct order_id) as integer) as orders,
    cast(sum(quantity) as integer) as units,
    cast(sum(gross_amount) as decimal(14, 2)) as gross_revenue,
    cast(sum(net_amount) as decimal(14, 2)) as net_revenue
from revenue_lines
group by revenue_date, category
