-- Every account the programme's lines use, with its Kommun-Bas class.
with used as (
    select distinct account from {{ ref('int_ledger__programme_lines') }}
)

select
    u.account,
    a.account_name,
    left(u.account, 1) as account_class,
    case left(u.account, 1)
        when '1' then 'Tillgångar'
        when '2' then 'Eget kapital och skulder'
        when '3' then 'Verksamhetens intäkter'
        when '4' then 'Material och köpta tjänster'
        when '5' then 'Personalkostnader'
        when '6' then 'Övriga verksamhetskostnader'
        when '7' then 'Övriga verksamhetskostnader'
        when '8' then 'Skatter, utjämning och finansiella poster'
        else 'Övrigt'
    end as account_class_name,
    left(u.account, 2) as account_group
from used as u
left join {{ ref('stg_ledger__accounts') }} as a using (account)
