"""Login form."""

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm


class LoginForm(PortalForm):
    """Username and password of a member of staff."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=256)])
