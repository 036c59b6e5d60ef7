"""Pure cores: plain Python with no Flask, each with exhaustive unit tests."""
