"""The service layer: one module per noun, between the commands (cli/) and the SQL (storage/).

A service function takes a Session and plain values, does its work inside one transaction
(`session.transaction()`), and returns data (a dataclass or rows). It never prints, never reads
the clock and never knows a flag name: the CLI parses, calls one service, renders.
"""
