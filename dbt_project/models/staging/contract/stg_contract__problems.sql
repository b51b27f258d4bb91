select severity, source_file, place, message
from {{ source('contract', 'contract_problems') }}
