select
    v.vehicle_id,
    v.license_plate,
    v.model,
    v.hub_id,
    h.city as hub_city,
    v.status,
    v.battery_capacity_kwh,
    v.commissioned_on,
    v.updated_at
from stg_vehicles as v
left join hubs as h on h.hub_id = v.hub_id
