-- A ratio is rounded through DECIMAL(20, 10) first: DuckDB divides in binary floating point and
-- PostgreSQL in exact decimals, and a half-way ratio must round the same way on both.
select
    delivery_date,
    hub_id,
    cast(count(*) as integer) as deliveries,
    cast(count(*) filter (where status = 'failed') as integer) as failed_deliveries,
    cast(count(*) filter (where minutes_late > 0) as integer) as late_deliveries,
    cast(cast(avg(case when is_on_time then 1 else 0 end) as decimal(20, 10)) as decimal(5, 4)) as on_time_rate,
    cast(cast(avg(service_seconds) as decimal(20, 10)) as decimal(8, 1)) as avg_service_seconds,
    cast(count(distinct vehicle_id) as integer) as vehicles_used,
    cast(count(distinct trip_id) as integer) as trips
from deliveries
group by delivery_date, hub_id
