select
    article_id,
    price,
    vat_rate,
    is_active,
    updated_at
from stg_articles
