select
    cast(vehicle_id as varchar) as vehicle_id,
    cast(license_plate as varchar) as license_plate,
    model,
    upper(trim(hub_code)) as hub_id,
    lower(trim(status)) as status,
    cast(battery_capacity_kwh as decimal(5, 1)) as battery_capacity_kwh,
    cast(commissioned_on as date) as commissioned_on,
    cast(updated_at as timestamp) as updated_at
from raw_vehicles
