select
    article_id,
    sku,
    name,
    brand,
    category,
    subcategory,
    unit_size,
    price,
    cast(price / (1 + vat_rate) as decimal(8, 2)) as price_excl_vat,
    vat_rate,
    is_organic,
    is_active,
    introduced_on,
    updated_at
from stg_articles
