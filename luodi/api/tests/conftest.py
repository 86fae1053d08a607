"""The reporting tests' people, indicator and period serve the API tests too."""

from luodi.reporting.tests.conftest import january, people, sand_land  # noqa: F401
