select
    cast(article_id as bigint) as article_id,
    sku,
    name,
    brand,
    category,
    subcategory,
    unit_size,
    cast(price as decimal(8, 2)) as price,
    cast(vat_rate as decimal(4, 2)) as vat_rate,
    is_organic,
    is_active,
    cast(introduced_on as date) as introduced_on,
    cast(updated_at as timestamp) as updated_at
from raw_articles
