select
    trip_id,
    vehicle_id,
    hub_id,
    delivery_date,
    wave,
    departed_hub_at,
    returned_hub_at,
    cast(extract(epoch from date_trunc('minute', returned_hub_at) - date_trunc('minute', departed_hub_at)) / 60 as integer) as duration_minutes,
    drop_count,
    distance_km,
    energy_used_kwh
from stg_trips
