"""Backup and restore: ``portal backup`` writes one archive, ``portal restore`` brings it back.

``archive`` is the file format (no database code), ``services`` takes the snapshot and loads
it, ``cli`` holds the two commands.
"""
