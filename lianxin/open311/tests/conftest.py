import pytest

from lianxin.casework.tests.helpers import user
from lianxin.open311.actions import issue_key


@pytest.fixture
def key(db):
    """A posting client's key, issued by the administrator."""
    _client, clear = issue_key(name="晋中市民通", contact="市大数据中心", acting_user=user("admin"))
    return clear
