-- Revenue is recognised when an order is delivered: lines of delivered orders, with
-- the VAT rate of the article to split the amount into net and VAT.
select
    o.delivery_date as revenue_date,
    o.hub_id,
    o.order_id,
    a.category,
    l.quantity,
    l.line_amount as gross_amount,
    l.discount_amount,
    cast(l.line_amount / (1 + a.vat_rate) as decimal(14, 4)) as net_amount
from commerce.order_lines as l
join commerce.orders as o on o.order_id = l.order_id
join commerce.articles as a on a.article_id = l.article_id
where o.status = 'delivered'
