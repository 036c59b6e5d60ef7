"""Status names of a request as the applicant and staff read them (from the workflow table)."""

from portal.disclosure.workflow import REQUESTS

STATUS_LABELS = {code: state.label for code, state in REQUESTS.states.items()}


def status_label(code: str) -> str:
    """The Chinese label of a status code."""
    return STATUS_LABELS.get(code, code)
