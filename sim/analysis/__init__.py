"""Analyses of result tables: validation against calibration targets."""
