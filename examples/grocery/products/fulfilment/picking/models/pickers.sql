select
    picker_id,
    fc_code as fulfilment_centre_id,
    lower(employment_type) as employment_type,
    cast(contract_hours as integer) as contract_hours,
    cast(started_on as date) as started_on
from raw_pickers
