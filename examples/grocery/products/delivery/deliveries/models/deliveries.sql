-- Every drop next to the slot the customer was promised. A drop is on time when the
-- vehicle arrives within the slot; minutes_late counts from the end of the slot.
select
    d.order_id,
    d.drop_id,
    d.trip_id,
    t.wave,
    d.vehicle_id,
    v.model as vehicle_model,
    o.hub_id,
    o.delivery_date,
    o.slot_start,
    o.slot_end,
    d.arrived_at,
    d.service_seconds,
    cast(greatest(extract(epoch from date_trunc('minute', d.arrived_at) - date_trunc('minute', o.slot_end)) / 60, 0) as integer) as minutes_late,
    cast(greatest(extract(epoch from date_trunc('minute', o.slot_start) - date_trunc('minute', d.arrived_at)) / 60, 0) as integer) as minutes_early,
    d.arrived_at between o.slot_start and o.slot_end as is_on_time,
    d.status
from delivery.drops as d
join commerce.orders as o on o.order_id = d.order_id
join delivery.trips as t on t.trip_id = d.trip_id
left join delivery.vehicles as v on v.vehicle_id = d.vehicle_id
