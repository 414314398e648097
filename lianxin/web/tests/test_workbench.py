"""The workbench: each account sees its own roles and its own "my work"."""

import re

import pytest

from lianxin.liaison.models import Station, StationMembership
from lianxin.org.models import Congress, Deputy, Level, Member, SeatStatus

from .helpers import client_for, text

pytestmark = pytest.mark.django_db

# What each demo account must see on its workbench, and a section it must not see.
EXPECTED = {
    "admin": (["系统管理员", "账号管理", "安全审计记录"], "待梳理的群众意见"),
    "jz_staff": (
        [
            "晋中市人民代表大会常务委员会 · 人大代表工作人员",
            "待梳理的群众意见",
            "待交办的代表建议",
            "超期未办结",
        ],
        "待办理",
    ),
    "yc_staff": (["榆次区人民代表大会常务委员会 · 人大代表工作人员", "待梳理的群众意见"], "待答复"),
    "tg_staff": (["太谷区人民代表大会常务委员会 · 人大代表工作人员", "超期未办结"], "我的建议"),
    "yc_station": (
        ["北关街道代表联络站 · 联络站管理员", "YC-BGJD", "本站待梳理的群众意见"],
        "待交办的代表建议",
    ),
    "deputy_demo": (
        [
            "晋中市人民代表大会 · 人大代表",
            "榆次区人民代表大会 · 人大代表",
            "我的建议",
            "本站群众意见",
        ],
        "待交办的代表建议",
    ),
    "deputy_b": (["晋中市人民代表大会 · 人大代表", "我的代表职务"], "账号管理"),
    "deputy_c": (["晋中市人民代表大会 · 人大代表", "我的代表职务"], "账号管理"),
    "unit_demo": (
        ["晋中市交通运输局 · 承办单位经办人", "JZ-JTYSJ", "待办理", "待答复"],
        "待梳理的群众意见",
    ),
    "unit_other": (
        ["晋中市住房和城乡建设局 · 承办单位经办人", "JZ-ZFCXJSJ", "待办理"],
        "待梳理的群众意见",
    ),
    # Proposals are on the loop: the CPPCC's staff register them, members follow their own.
    "cppcc_staff": (["政协工作人员", "在任委员", "界别", "待立案审查的提案"], "我的提案"),
    "member_demo": (
        ["政协委员", "我的委员履职", "我的提案", "待确认的联名邀请"],
        "待立案审查的提案",
    ),
    "leader_demo": (["山西省晋中市 · 领导", "在任人大代表", "重点督办事项"], "账号管理"),
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_demo_account_sees_its_own_workbench(users, username):
    response = client_for(users, username).get("/workbench/")
    assert response.status_code == 200
    page = text(response)
    user = users[username]
    assert f"{user}的工作台" in page
    must, must_not = EXPECTED[username]
    for phrase in must:
        assert phrase in page, phrase
    assert must_not not in page


def test_empty_work_lists_say_so_plainly(users):
    # Nothing of the demo is assigned to the housing bureau: both of its lists are empty.
    page = text(client_for(users, "unit_other").get("/workbench/"))
    assert page.count("暂无待办事项") == 2


def test_the_work_lists_show_the_cases_waiting_for_the_user(users):
    from lianxin.casework.models import Case

    yc = Congress.objects.get(region__code="140702", level=Level.COUNTY)
    waiting = Case.objects.filter(kind="opinion", state="registered", congress=yc)
    assert waiting.exists(), "the demo has opinions waiting for triage in 榆次区"
    html = client_for(users, "yc_staff").get("/workbench/").content.decode()
    block = html[html.index('id="worklist-triage"') :]
    block = block[: block.index("</div>")]
    assert f'<span class="count">{waiting.count()}</span>' in block
    newest = waiting.order_by("-created_at", "-id").first()
    assert newest.get_absolute_url() in block
    # 太谷区's office has none of them.
    other = client_for(users, "tg_staff").get("/workbench/").content.decode()
    assert newest.get_absolute_url() not in other


def test_registered_work_lists_take_their_place_in_the_section(users):
    """Suggestions registers its lists with casework.worklists; "to review" asks to follow the
    loop's triage list and "to assign" the review, the others (the hotline's, duty's
    activities, reports and consultations among them) come after the section's own."""
    html = client_for(users, "jz_staff").get("/workbench/").content.decode()
    keys = re.findall(r'id="worklist-([a-z_]+)"', html)
    assert keys == [
        "triage",
        "review",
        "assign",
        "overdue",
        "to_chase",
        "extensions",
        "work_orders_to_sort",
        "work_orders_to_visit",
        "duty_upcoming",
        "duty_to_approve",
        "duty_scores",
        "duty_posts_staff",
        "duty_reports",
        "consultations_open",
    ]


def test_staff_workbench_counts_the_deputies_of_its_own_congress(users):
    response = client_for(users, "yc_staff").get("/workbench/")
    congress = Congress.objects.get(region__code="140702", level=Level.COUNTY)
    shown = re.search(
        rf'href="/deputies/\?congress={congress.pk}"><b>(\d+)</b>', response.content.decode()
    )
    expected = Deputy.objects.filter(congress=congress, status=SeatStatus.SERVING).count()
    assert expected > 0
    assert shown and int(shown.group(1)) == expected


def test_city_staff_workbench_counts_the_deputies_of_the_congresses_below(users):
    response = client_for(users, "jz_staff").get("/workbench/")
    shown = re.search(r'href="/deputies/\?region=1407"><b>(\d+)</b>', response.content.decode())
    expected = (
        Deputy.objects.filter(congress__region__code__startswith="1407", status=SeatStatus.SERVING)
        .exclude(congress__level=Level.CITY)
        .count()
    )
    assert expected > 0
    assert shown and int(shown.group(1)) == expected


def test_station_manager_workbench_counts_the_deputies_of_the_station(users):
    response = client_for(users, "yc_station").get("/workbench/")
    station = Station.objects.get(code="YC-BGJD")
    shown = re.search(
        rf'href="/deputies/\?station={station.pk}"><b>(\d+)</b>', response.content.decode()
    )
    expected = StationMembership.objects.filter(station=station).count()
    assert expected > 0
    assert shown and int(shown.group(1)) == expected


def test_cppcc_staff_workbench_counts_the_members(users):
    page = text(client_for(users, "cppcc_staff").get("/workbench/"))
    expected = Member.objects.filter(cppcc__region__code="1407", status=SeatStatus.SERVING).count()
    assert expected > 0
    assert f"{expected} 在任委员" in page


def test_deputy_workbench_links_to_each_of_the_deputys_seats(users):
    user = users["deputy_demo"]
    response = client_for(users, "deputy_demo").get("/workbench/")
    seats = Deputy.objects.filter(person=user.person)
    assert seats.count() == 2
    for seat in seats:
        assert f'href="/deputies/{seat.pk}/"' in response.content.decode()


def test_the_workbench_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_home_page_leads_to_the_workbench_or_the_public_site(client, users):
    assert client.get("/")["Location"] == "/public/"
    assert client_for(users, "yc_staff").get("/")["Location"] == "/workbench/"


def test_every_step_that_waits_for_someone_is_on_their_work_list(users):
    """Review for the office, sign-off for the lead unit's signer, co-signing for the invited
    deputy."""
    from lianxin.suggestions.tests.helpers import advance, new_suggestion

    invited = new_suggestion("关于待确认联名的建议", co=("deputy_b",))
    submitted = advance(new_suggestion("关于待审查工作清单的建议"), "submitted")
    pending = advance(new_suggestion("关于待签发工作清单的建议"), "reply_pending_signoff")
    replied = advance(new_suggestion("关于待评价工作清单的建议"), "replied")

    def listed(username, title) -> bool:
        page = client_for(users, username).get("/workbench/").content.decode()
        return title in page

    assert listed("jz_staff", "待审查的建议和议案")
    assert listed("jz_staff", "待代表评价的建议") and listed("jz_staff", replied.display_title)
    assert listed("jz_staff", submitted.display_title)
    assert not listed("tg_staff", submitted.display_title)
    assert listed("unit_signer", "待签发的答复") and listed("unit_signer", pending.display_title)
    assert not listed("unit_demo", pending.display_title)  # he wrote it, and signs nothing
    # A co-handling unit signs nothing, even its signer.
    assert not listed("unit_other_signer", pending.display_title)
    assert listed("deputy_b", "待确认的联名邀请") and listed("deputy_b", invited.display_title)
    assert not listed("deputy_c", invited.display_title)
