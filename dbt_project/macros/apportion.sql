{# amount * part / whole, to the öre. The ratio is taken first so that DECIMAL(18,2) operands
   never overflow DuckDB's DECIMAL(18) product; amounts stay far below double's exact range. #}
{% macro apportion(amount, part, whole) -%}
    cast(round({{ amount }} * (cast({{ part }} as double) / cast({{ whole }} as double)), 2)
        as decimal(18, 2))
{%- endmacro %}
