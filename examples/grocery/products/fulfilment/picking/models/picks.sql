select
    pick_id,
    order_id,
    line_number,
    article_id,
    fulfilment_centre_id,
    picker_id,
    quantity_ordered,
    quantity_picked,
    quantity_ordered - quantity_picked as quantity_missing,
    picked_at,
    duration_seconds
from stg_pick_events
