"""Lillåsa kommun: an invented small municipality (about 15,000 inhabitants), the second sample
profile. It is built to differ from the Eskilstuna sample on every axis the raw/ contract
leaves open (docs/sample-data.md lists them)."""
