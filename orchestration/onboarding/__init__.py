"""Onboarding a municipality: the registry drafted from its SIE export (`init`), the registry
written as a workbook or as YAML (`registry-template`, `registry-export`) and a whole delivery
checked before the first run (`check`)."""
