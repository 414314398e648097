"""Writing guidance on the new-proposal page: similar proposals and deputies' suggestions of the
last five years, each with its state and reply class, never one the member may not see."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.casework import actions as loop
from lianxin.suggestions.tests import helpers as sg

from .. import actions
from .helpers import advance, fresh, new_proposal, unit, user


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


@pytest.mark.django_db
def test_guidance_shows_similar_proposals_and_suggestions_with_state_and_reply_class():
    mine = advance(new_proposal("关于治理老旧小区停车难的提案"), "replied", co=())
    suggestion = sg.advance(sg.new_suggestion("关于缓解老旧小区停车难的建议"), "replied")
    page = signed_in("member_demo").get("/proposals/new/").content.decode()
    assert "proposals/similar/" in page  # the htmx panel under the content field
    r = signed_in("member_demo").get(
        "/proposals/similar/", {"title": "老旧小区停车难", "content": "建议治理老旧小区停车难"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert f'data-similar="{mine.pk}"' in html and "A 类答复" in html
    assert f'data-similar="{suggestion.pk}"' in html  # its reply is public and signed off
    assert "代表建议" in html and "已答复" in html


@pytest.mark.django_db
def test_guidance_never_shows_a_proposal_the_member_may_not_see():
    hidden = advance(new_proposal("关于规范校外培训机构的提案"), "submitted", co=())
    r = signed_in("member_b").get("/proposals/similar/", {"title": "规范校外培训机构"})
    assert f'data-similar="{hidden.pk}"' not in r.content.decode()
    r = signed_in("member_demo").get("/proposals/similar/", {"title": "规范校外培训机构"})
    assert f'data-similar="{hidden.pk}"' in r.content.decode()
    # A public, signed-off reply opens it to every member.
    actions.do_register_proposal(
        fresh(hidden), decision="register", acting_user=user("cppcc_staff")
    )
    loop.do_assign_case(fresh(hidden), lead_unit=unit(), acting_user=user("cppcc_staff"))
    case = hidden
    actions.do_reply_proposal(
        fresh(case),
        content="已出台规范。",
        category="A",
        is_public=True,
        acting_user=user("unit_demo"),
    )
    actions.do_sign_off_proposal(fresh(case), approve=True, acting_user=user("unit_signer"))
    r = signed_in("member_b").get("/proposals/similar/", {"title": "规范校外培训机构"})
    assert f'data-similar="{hidden.pk}"' in r.content.decode()
    # Only members (who write proposals) use the guidance.
    assert signed_in("unit_demo").get("/proposals/similar/", {"title": "培训"}).status_code == 403
