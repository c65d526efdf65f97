select
    cast(drop_id as bigint) as drop_id,
    cast(trip_id as bigint) as trip_id,
    cast(order_id as bigint) as order_id,
    cast(vehicle_id as varchar) as vehicle_id,
    upper(trim(hub_code)) as hub_id,
    cast(arrived_at as timestamp) as arrived_at,
    cast(departed_at as timestamp) as departed_at,
    lower(status) as status,
    nullif(cast(failure_reason as varchar), '') as failure_reason
from raw_drops
