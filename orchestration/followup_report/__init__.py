"""Uppföljningsrapporten: one accessible HTML report (and a tagged PDF beside it) per political
body and period of the reporting calendar, built from the marts of one publication."""
