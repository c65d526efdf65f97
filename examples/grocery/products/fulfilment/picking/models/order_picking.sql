select
    order_id,
    min(fulfilment_centre_id) as fulfilment_centre_id,
    min(picker_id) as picker_id,
    min(picked_at) as started_at,
    max(picked_at) as finished_at,
    cast(count(*) as integer) as line_count,
    cast(sum(quantity_ordered) as integer) as units_ordered,
    cast(sum(quantity_picked) as integer) as units_picked,
    cast(count(*) filter (where quantity_missing > 0) as integer) as lines_short,
    cast(sum(duration_seconds) as integer) as pick_seconds
from picks
group by order_id
