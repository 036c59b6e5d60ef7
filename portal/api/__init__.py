"""Read-only open data (开放数据) as JSON under ``/api/v1/``, described by ``openapi.yaml``.

Every record passes through :func:`portal.disclose.disclose` with the public viewer before it
is shaped into JSON; statistics are counts computed from the data. GET only, no session use.
"""
