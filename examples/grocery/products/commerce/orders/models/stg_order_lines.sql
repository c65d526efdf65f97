-- Raw order lines, typed; a line without a promotion has a discount of zero.
select
    cast(order_id as bigint) as order_id,
    cast(line_number as integer) as line_number,
    cast(article_id as bigint) as article_id,
    cast(quantity as integer) as quantity,
    cast(unit_price as decimal(8, 2)) as unit_price,
    cast(coalesce(discount_amount, 0) as decimal(10, 2)) as discount_amount
from raw_order_lines
