select
    grant_id,
    unnest(object_codes) as object_code
from {{ source('grants', 'grant_decisions') }}
