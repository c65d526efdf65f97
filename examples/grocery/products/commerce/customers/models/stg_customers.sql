-- Accounts, typed. E-mail addresses are lower-cased; phone numbers are reduced to digits
-- and written in E.164 (+31612345678) whichever way the customer typed them.
with typed as (
    select
        cast(customer_id as bigint) as customer_id,
        trim(first_name) as first_name,
        trim(last_name) as last_name,
        lower(trim(email)) as email,
        regexp_replace(cast(phone as varchar), '[^0-9+]', '', 'g') as phone_digits,
        trim(street) as street,
        cast(house_number as varchar) as house_number,
        upper(cast(postal_code as varchar)) as postal_code,
        city,
        upper(country) as country,
        cast(birth_date as date) as birth_date,
        cast(signed_up_at as timestamp) as signed_up_at,
        cast(marketing_opt_in as boolean) as marketing_opt_in
    from raw_customers
)

select
    customer_id,
    first_name,
    last_name,
    email,
    case
        when phone_digits is null or phone_digits = '' then null
        when phone_digits like '+%' then phone_digits
        when phone_digits like '0%' then (case when country = 'DE' then '+49' else '+31' end) || substr(phone_digits, 2)
        else '+' || phone_digits
    end as phone,
    street,
    house_number,
    postal_code,
    city,
    country,
    birth_date,
    signed_up_at,
    marketing_opt_in
from typed
