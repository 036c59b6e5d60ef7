"""Appointment booking (预约服务) for guides that need a visit to a service hall."""
