-- Raw orders, typed and cleaned: one spelling per platform, upper-case hub codes and
-- the text slot "18:00-19:00" turned into a start and an end timestamp.
select
    cast(order_id as bigint) as order_id,
    cast(customer_id as bigint) as customer_id,
    cast(placed_at as timestamp) as placed_at,
    upper(trim(hub_code)) as hub_id,
    cast(delivery_date as date) as delivery_date,
    cast(delivery_date as date) + cast(split_part(delivery_slot, '-', 1) as time) as slot_start,
    cast(delivery_date as date) + cast(split_part(delivery_slot, '-', 2) as time) as slot_end,
    lower(trim(status)) as status,
    lower(trim(platform)) as platform,
    lower(trim(payment_method)) as payment_method,
    nullif(trim(voucher_code), '') as voucher_code,
    cast(delivery_fee as decimal(6, 2)) as delivery_fee
from raw_orders
