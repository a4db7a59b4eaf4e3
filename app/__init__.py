"""Airtime: real-time facilitation for peer support groups."""
