select
    order_id,
    line_number,
    article_id,
    quantity,
    unit_price,
    discount_amount,
    cast(unit_price * quantity - discount_amount as decimal(12, 2)) as line_amount
from stg_order_lines
