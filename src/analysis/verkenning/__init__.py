"""Exploring the computed figures in a notebook: what-if scenarios and forecasts."""
