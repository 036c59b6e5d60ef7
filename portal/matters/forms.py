"""Forms shared by every kind of matter."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import InputRequired

from portal.forms import PortalForm


class AssignForm(PortalForm):
    """Assign a matter to a member of staff."""

    assignee_id = SelectField("承办人", coerce=int, validators=[InputRequired()])
