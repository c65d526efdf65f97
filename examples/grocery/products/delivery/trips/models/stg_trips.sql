select
    cast(trip_id as bigint) as trip_id,
    cast(vehicle_id as varchar) as vehicle_id,
    upper(trim(hub_code)) as hub_id,
    cast(delivery_date as date) as delivery_date,
    cast(wave as integer) as wave,
    cast(departed_hub_at as timestamp) as departed_hub_at,
    cast(returned_hub_at as timestamp) as returned_hub_at,
    cast(drop_count as integer) as drop_count,
    cast(distance_km as decimal(6, 1)) as distance_km,
    cast(energy_used_kwh as decimal(6, 2)) as energy_used_kwh
from raw_trips
