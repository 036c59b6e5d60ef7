"""Authentication and authorisation shared by every feature.

- :mod:`portal.auth.login`: Flask-Login's ``LoginManager`` and the user loader;
- :mod:`portal.auth.csrf`: Flask-WTF's ``CSRFProtect`` and its Chinese error page;
- :mod:`portal.auth.sessions`: the session and remember cookie settings;
- :mod:`portal.auth.access`: role and department checks;
- :mod:`portal.auth.throttle`: failure counting and lock-outs;
- :mod:`portal.auth.hashing`: the dummy hash that makes a check of nothing cost like a real one.
"""
