from tests.auth.conftest import restore_celery_default  # noqa: F401 - fixture
