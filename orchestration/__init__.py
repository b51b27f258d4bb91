"""Uppföljning: follows up a municipality's programme money, responsibility, indicators and
reports."""
