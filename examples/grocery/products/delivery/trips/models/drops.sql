select
    drop_id,
    trip_id,
    order_id,
    vehicle_id,
    hub_id,
    arrived_at,
    departed_at,
    cast(date_diff('second', arrived_at, departed_at) as integer) as service_seconds,
    status,
    failure_reason
from stg_drops
