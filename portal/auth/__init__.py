"""Authentication and authorisation shared by every feature: role checks and throttling."""
