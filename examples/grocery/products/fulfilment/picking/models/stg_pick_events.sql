-- A scanner that does not get an acknowledgement sends its event again; keep the first.
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
from raw_pick_events
qualify row_number() over (partition by pick_id order by recorded_at) = 1
