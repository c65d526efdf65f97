select
    session_id,
    min(anonymous_id) as anonymous_id,
    max(customer_id) as customer_id,
    min(platform) as platform,
    cast(min(occurred_at) as date) as session_date,
    min(occurred_at) as started_at,
    max(occurred_at) as ended_at,
    cast(extract(epoch from date_trunc('second', max(occurred_at)) - date_trunc('second', min(occurred_at))) as integer) as duration_seconds,
    cast(count(*) as integer) as event_count,
    cast(count(*) filter (where event_type = 'article_view') as integer) as article_views,
    cast(count(*) filter (where event_type = 'search') as integer) as searches,
    cast(count(*) filter (where event_type = 'add_to_cart') as integer) as add_to_carts,
    bool_or(event_type = 'checkout_start') as reached_checkout,
    bool_or(event_type = 'order_placed') as converted,
    max(order_id) as order_id
from stg_events
group by session_id
