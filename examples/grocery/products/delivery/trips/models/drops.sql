select
    drop_id,
    trip_id,
    order_id,
    vehicle_id,
    hub_id,
    arrived_at,
    departed_at,
    cast(extract(epoch from date_trunc('second', departed_at) - date_trunc('second', arrived_at)) as integer) as service_seconds,
    status,
    failure_reason
from stg_drops
