-- A scanner that does not get an acknowledgement sends its event again; keep the first
-- (numbered in a subquery rather than with QUALIFY, which PostgreSQL does not have).
select
    cast(pick_id as bigint) as pick_id,
    cast(order_id as bigint) as order_id,
    cast(line_number as integer) as line_number,
    cast(article_id as bigint) as article_id,
    fc_code as fulfilment_centre_id,
    picker_id,
    cast(quantity_ordered as integer) as quantity_ordered,
    cast(quantity_picked as integer) as quantity_picked,
    cast(picked_at as timestamp) as picked_at,
    cast(duration_seconds as integer) as duration_seconds,
    cast(recorded_at as timestamp) as recorded_at
from (
    select *, row_number() over (partition by pick_id order by recorded_at) as copy_number
    from raw_pick_events
) as numbered
where copy_number = 1
