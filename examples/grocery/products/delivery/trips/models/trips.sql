select
    trip_id,
    vehicle_id,
    hub_id,
    delivery_date,
    wave,
    departed_hub_at,
    returned_hub_at,
    cast(date_diff('minute', departed_hub_at, returned_hub_at) as integer) as duration_minutes,
    drop_count,
    distance_km,
    energy_used_kwh
from stg_trips
