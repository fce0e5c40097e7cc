"""Copies of examples/*.csv shipped inside the package so that `sendctl demo` works from a wheel.

examples/ is the documented source; tests/test_status_demo.py checks these are identical.
"""
