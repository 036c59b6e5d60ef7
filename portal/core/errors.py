"""Errors shared by the pure validators."""


class FieldError(ValueError):
    """A named field is missing or invalid; ``field`` names it, ``message`` is Chinese."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message
