-- Tracking events with the nested properties object flattened into columns.
select
    cast(event_id as varchar) as event_id,
    cast(session_id as varchar) as session_id,
    cast(anonymous_id as varchar) as anonymous_id,
    cast(customer_id as bigint) as customer_id,
    lower(event_type) as event_type,
    cast(occurred_at as timestamp) as occurred_at,
    lower(platform) as platform,
    cast(app_version as varchar) as app_version,
    cast(cast(properties as json) ->> 'article_id' as bigint) as article_id,
    cast(cast(properties as json) ->> 'quantity' as integer) as quantity,
    cast(cast(properties as json) ->> 'search_term' as varchar) as search_term,
    cast(cast(properties as json) ->> 'order_id' as bigint) as order_id
from raw_events
