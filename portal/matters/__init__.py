"""Shared machinery of matters (依申请公开 requests, complaints): tracking numbers, access
codes, the event log, and the stored due date the statutory clock computes from it."""
