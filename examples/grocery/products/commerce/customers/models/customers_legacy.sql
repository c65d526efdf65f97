-- The version 1 contract: one name field and one address line, as the first
-- consumers of this product expected it.
select
    customer_id,
    first_name || ' ' || last_name as full_name,
    email,
    phone,
    street || ' ' || house_number || ', ' || postal_code || ' ' || city as address,
    city,
    cast(signed_up_at as date) as signup_date
from stg_customers
