select
    upper(hub_code) as hub_id,
    name as hub_name,
    city,
    country,
    fc_code as fulfilment_centre_id,
    cast(latitude as decimal(8, 5)) as latitude,
    cast(longitude as decimal(8, 5)) as longitude,
    cast(opened_on as date) as opened_on,
    cast(vehicle_bays as integer) as vehicle_bays
from raw_hubs
