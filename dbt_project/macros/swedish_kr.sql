{#- An amount as a person reads it in a finding's text: 365959.39 -> '365 959,39 kr' (narrow
    no-break spaces between thousands, a decimal comma, a real minus sign, a no-break space
    before the unit), as the reports print amounts. Null stays null. -#}
{% macro swedish_kr(expr) -%}
    (replace(replace(replace(format('{:,.2f}', cast({{ expr }} as decimal(18, 2))), ',', chr(8239)),
        '.', ','), '-', chr(8722)) || chr(160) || 'kr')
{%- endmacro %}

{#- A measured value or target: 49.0 -> '49,0'. -#}
{% macro swedish_number(expr) -%}
    replace(replace(cast({{ expr }} as varchar), '.', ','), '-', chr(8722))
{%- endmacro %}
