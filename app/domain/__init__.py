"""The pure session engine: no web framework, database, broker or event loop.

A session is an ordered log of events; live state and reports are one fold over it.
Time is always a parameter, in whole microseconds since the session started.
"""
