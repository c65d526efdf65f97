select
    customer_id,
    first_name,
    last_name,
    email,
    phone,
    street,
    house_number,
    postal_code,
    city,
    country,
    birth_date,
    signed_up_at,
    marketing_opt_in
from stg_customers
