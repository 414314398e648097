"""The permission matrix: every role × every action × scope (own, same region, other region).

Each persona's allowed (action, object) pairs are listed; every pair not listed must be refused.
Which stations and congresses each persona sees is written out by name, and both `can(.view)`\nand `visible_to` must give exactly that.
"""

import pytest

from lianxin.accounts import access
from lianxin.accounts.models import Role, User
from lianxin.casework.models import Case
from lianxin.hotline.models import Source
from lianxin.liaison.models import Station
from lianxin.org.models import Congress, Cppcc, Deputy, HandlingUnit, Member
from lianxin.suggestions import actions as suggestion_actions

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "jz_staff",
    "yc_staff",
    "tg_staff",
    "yc_station",
    "deputy_demo",
    "unit_demo",
    "unit_signer",
    "unit_other",
    "unit_other_signer",
    "cppcc_staff",
    "member_demo",
    "leader_demo",
]


@pytest.fixture
def objects(db):
    """One object per scope: the city's own, 榆次区 (own region for yc), 太谷区 (other region)."""
    demo_person_seats = Deputy.objects.filter(person__name="连心代表")
    return {
        "city_congress": Congress.objects.get(region__code="1407"),
        "yc_congress": Congress.objects.get(region__code="140702"),
        "tg_congress": Congress.objects.get(region__code="140703"),
        "yc_township_congress": Congress.objects.filter(
            region__code__startswith="140702", level="township"
        ).first(),
        "city_deputy": Deputy.objects.filter(congress__region__code="1407")
        .exclude(person__name__in=["连心代表"])
        .first(),
        "yc_deputy": Deputy.objects.filter(congress__region__code="140702")
        .exclude(person__name="连心代表")
        .first(),
        "tg_deputy": Deputy.objects.filter(congress__region__code="140703").first(),
        "yc_township_deputy": Deputy.objects.filter(
            congress__region__code__startswith="140702", congress__level="township"
        ).first(),
        "own_city_seat": demo_person_seats.get(congress__level="city"),
        "own_county_seat": demo_person_seats.get(congress__level="county"),
        "cppcc": Cppcc.objects.get(region__code="1407"),
        "member": Member.objects.exclude(person__name="同心委员").first(),
        "own_member": Member.objects.get(person__name="同心委员"),
        "yc_station": Station.objects.get(code="YC-BGJD"),
        "city_unit": HandlingUnit.objects.get(code="JZ-JTYSJ"),
        "yc_unit": HandlingUnit.objects.get(code="YC-JTYSJ"),
        # Replies of 晋中市交通运输局 awaiting sign-off: the demo's, written by its clerk
        # (unit_demo), and one its signer (unit_signer) writes himself.
        "clerks_reply": Case.objects.get(
            title="关于改造榆次老城区排水管网的建议", state="reply_pending_signoff"
        ),
        "signers_reply": _replied_by_signer(),
        # A 12345 work order of the city's hotline (the demo's, imported) and that hotline.
        "work_order": Case.objects.get(work_order__number="JZ12345-0001"),
        "hotline_source": Source.objects.get(name="晋中市12345热线"),
    }


def _replied_by_signer() -> Case:
    case = Case.objects.get(title="关于优化晋中城区公交线路的建议", state="assigned")
    suggestion_actions.do_reply_suggestion(
        case,
        content="已优化线路走向，增开两条社区公交线路。",
        category="A",
        acting_user=User.objects.get(username="unit_signer"),
    )
    return Case.objects.get(pk=case.pk)


OBJECT_ACTIONS = {
    "congress": (
        ["congress.view", "congress.manage"],
        ["city_congress", "yc_congress", "tg_congress", "yc_township_congress"],
    ),
    "deputy": (
        ["deputy.view", "deputy.change", "deputy.view_personal"],
        [
            "city_deputy",
            "yc_deputy",
            "tg_deputy",
            "yc_township_deputy",
            "own_city_seat",
            "own_county_seat",
        ],
    ),
    "cppcc": (["cppcc.view"], ["cppcc"]),
    "member": (["member.view", "member.change", "member.view_personal"], ["member", "own_member"]),
    "station": (["station.view", "station.manage"], ["yc_station"]),
    "unit": (["unit.view"], ["city_unit", "yc_unit"]),
    # Another officer of the unit that wrote the reply, holding the signing role, signs it off.
    "reply": (["suggestion.sign_off"], ["clerks_reply", "signers_reply"]),
    # The hotline's staff are the city congress's deputy-affairs staff (hotline.rules).
    "work_order": (
        ["work_order.triage", "work_order.dispatch", "work_order.visit", "work_order.conclude"],
        ["work_order"],
    ),
    "hotline_source": (["work_order.import"], ["hotline_source"]),
}
ALL_DEPUTIES = {
    "city_deputy",
    "yc_deputy",
    "tg_deputy",
    "yc_township_deputy",
    "own_city_seat",
    "own_county_seat",
}
YC_DEPUTIES = {"yc_deputy", "yc_township_deputy", "own_county_seat"}
ALL_CONGRESSES = {"city_congress", "yc_congress", "tg_congress", "yc_township_congress"}


def allowed(action: str, objs) -> set:
    return {(action, o) for o in objs}


UNITS = allowed("unit.view", ["city_unit", "yc_unit"])
EXPECTED = {
    "admin": allowed("congress.view", ALL_CONGRESSES)
    | allowed("deputy.view", ALL_DEPUTIES)
    | allowed("deputy.view_personal", ALL_DEPUTIES)
    | allowed("cppcc.view", ["cppcc"])
    | allowed("member.view", ["member", "own_member"])
    | allowed("member.view_personal", ["member", "own_member"])
    | allowed("station.view", ["yc_station"])
    | UNITS,
    "jz_staff": allowed("congress.view", ALL_CONGRESSES)
    | allowed("congress.manage", ["city_congress"])
    | allowed("deputy.view", ALL_DEPUTIES)
    | allowed("deputy.change", ["city_deputy", "own_city_seat"])
    | allowed("deputy.view_personal", ["city_deputy", "own_city_seat"])
    | allowed("station.view", ["yc_station"])
    | allowed("work_order.triage", ["work_order"])
    | allowed("work_order.dispatch", ["work_order"])
    | allowed("work_order.visit", ["work_order"])
    | allowed("work_order.conclude", ["work_order"])
    | allowed("work_order.import", ["hotline_source"])
    | UNITS,
    "yc_staff": allowed("congress.view", ["yc_congress", "yc_township_congress"])
    | allowed("congress.manage", ["yc_congress"])
    | allowed("deputy.view", YC_DEPUTIES)
    | allowed("deputy.change", ["yc_deputy", "own_county_seat"])
    | allowed("deputy.view_personal", ["yc_deputy", "own_county_seat"])
    | allowed("station.view", ["yc_station"])
    | allowed("station.manage", ["yc_station"])
    | UNITS,
    "tg_staff": allowed("congress.view", ["tg_congress"])
    | allowed("congress.manage", ["tg_congress"])
    | allowed("deputy.view", ["tg_deputy"])
    | allowed("deputy.change", ["tg_deputy"])
    | allowed("deputy.view_personal", ["tg_deputy"])
    | UNITS,
    "yc_station": allowed("congress.view", ["yc_congress"])
    | allowed("deputy.view", ["own_city_seat", "own_county_seat"])
    | allowed("station.view", ["yc_station"])
    | allowed("station.manage", ["yc_station"])
    | UNITS,
    "deputy_demo": allowed("congress.view", ["city_congress", "yc_congress"])
    | allowed("deputy.view", ["city_deputy", "yc_deputy", "own_city_seat", "own_county_seat"])
    | allowed("deputy.view_personal", ["own_city_seat", "own_county_seat"])
    | allowed("station.view", ["yc_station"])
    | UNITS,
    "unit_demo": UNITS,  # wrote the clerk's reply; holds no signing role
    "unit_signer": UNITS | allowed("suggestion.sign_off", ["clerks_reply"]),  # not his own
    "unit_other": UNITS,
    "unit_other_signer": UNITS,  # signs for another unit
    "cppcc_staff": allowed("cppcc.view", ["cppcc"])
    | allowed("member.view", ["member", "own_member"])
    | allowed("member.change", ["member", "own_member"])
    | allowed("member.view_personal", ["member", "own_member"])
    | UNITS,
    "member_demo": allowed("cppcc.view", ["cppcc"])
    | allowed("member.view", ["member", "own_member"])
    | allowed("member.view_personal", ["own_member"])
    | UNITS,
    "leader_demo": allowed("congress.view", ALL_CONGRESSES)
    | allowed("deputy.view", ALL_DEPUTIES)
    | allowed("cppcc.view", ["cppcc"])
    | allowed("member.view", ["member", "own_member"])
    | allowed("station.view", ["yc_station"])
    | UNITS,
}


def _make_sure_the_fixture_objects_are_distinct(objects):
    # The city deputy must not be one of deputy_demo's seats, and so on.
    assert len({o.pk for k, o in objects.items() if k in ALL_DEPUTIES}) == len(ALL_DEPUTIES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_permission_matrix(persona, users, objects):
    _make_sure_the_fixture_objects_are_distinct(objects)
    user = users[persona]
    actual = set()
    for actions, names in OBJECT_ACTIONS.values():
        for action in actions:
            for name in names:
                if access.can(user, action, objects[name]):
                    actual.add((action, name))
    assert actual == EXPECTED[persona]


ALL = "every one in the demo data"
YC_STATIONS = {
    "东赵乡人大代表联络站", "东阳镇人大代表联络站", "乌金山镇人大代表联络站", "修文镇人大代表联络站",
    "北关街道代表联络站", "北田镇人大代表联络站", "安宁街道人大代表联络站", "庄子乡人大代表联络站",
    "张庆乡人大代表联络站", "新华街道人大代表联络站", "新建街道人大代表联络站",
    "晋中开发区人大代表联络站", "晋华街道人大代表联络站", "榆次区人大代表经济运行观察站",
    "榆次区人大代表联络中心", "榆次区使赵乡人大代表联络站", "榆次区司法代表联络站",
    "经纬街道人大代表联络站", "西南街道人大代表联络站", "路西街道人大代表联络站",
    "郭家堡乡人大代表联络站", "锦纶街道人大代表联络站", "长凝镇人大代表联络站",
}  # fmt: skip
TG_STATIONS = {
    "任村乡人大代表联络站", "侯城乡人大代表联络站", "北城区人大代表联络站", "北洸乡人大代表联络站",
    "南城区人大代表联络站", "太谷区人大代表联络中心", "小白乡人大代表联络站", "水秀镇人大代表联络站",
    "白塔区人大代表联络站", "胡村镇人大代表联络站", "范村镇人大代表联络站", "阳邑乡人大代表联络站",
}  # fmt: skip
STATIONS_SEEN = {
    "admin": ALL,
    "jz_staff": ALL,
    "leader_demo": ALL,
    "yc_staff": YC_STATIONS,
    "tg_staff": TG_STATIONS,
    "yc_station": {"北关街道代表联络站"},
    "deputy_demo": {"北关街道代表联络站"},  # the station of the demo deputy's seat
    "unit_demo": set(),
    "unit_signer": set(),
    "unit_other": set(),
    "unit_other_signer": set(),
    "cppcc_staff": set(),
    "member_demo": set(),
}
YC_CONGRESSES = {"榆次区人民代表大会"} | {
    f"榆次区{t}人民代表大会"
    for t in [
        "东赵乡",
        "东阳镇",
        "乌金山镇",
        "修文镇",
        "北田镇",
        "庄子乡",
        "张庆乡",
        "郭家堡乡",
        "长凝镇",
    ]
}
TG_CONGRESSES = {"太谷区人民代表大会"} | {
    f"太谷区{t}人民代表大会"
    for t in ["任村乡", "侯城乡", "北洸乡", "小白乡", "水秀镇", "胡村镇", "范村镇", "阳邑乡"]
}
CONGRESSES_SEEN = {
    "admin": ALL,
    "jz_staff": ALL,
    "leader_demo": ALL,
    "yc_staff": YC_CONGRESSES,
    "tg_staff": TG_CONGRESSES,
    "yc_station": {"榆次区人民代表大会"},  # the congress that runs the station
    "deputy_demo": {"晋中市人民代表大会", "榆次区人民代表大会"},  # the congresses of its seats
    "unit_demo": set(),
    "unit_signer": set(),
    "unit_other": set(),
    "unit_other_signer": set(),
    "cppcc_staff": set(),
    "member_demo": set(),
}


@pytest.mark.parametrize(
    "model, action, expected",
    [(Station, "station.view", STATIONS_SEEN), (Congress, "congress.view", CONGRESSES_SEEN)],
    ids=["stations", "congresses"],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_which_stations_and_congresses_each_persona_sees(persona, users, model, action, expected):
    """Written out by name from the demo data: `can(.view)` and `visible_to` both give it."""
    user = users[persona]
    every = set(model.objects.values_list("name", flat=True))
    assert len(every) > 50  # the demo data is loaded, or "ALL" would prove nothing
    want = every if expected[persona] is ALL else expected[persona]
    allowed = {obj.name for obj in model.objects.all() if access.can(user, action, obj)}
    assert allowed == want
    assert set(access.visible_to(user, model).values_list("name", flat=True)) == want


ACCOUNT_TARGETS = {
    "deputy:city_deputy": (Role.DEPUTY, "city_deputy"),
    "deputy:yc_deputy": (Role.DEPUTY, "yc_deputy"),
    "deputy:tg_deputy": (Role.DEPUTY, "tg_deputy"),
    "staff:city": (Role.DEPUTY_AFFAIRS_STAFF, "city_congress"),
    "staff:yc": (Role.DEPUTY_AFFAIRS_STAFF, "yc_congress"),
    "staff:tg": (Role.DEPUTY_AFFAIRS_STAFF, "tg_congress"),
    "station:yc": (Role.STATION_MANAGER, "yc_station"),
    "officer:city_unit": (Role.UNIT_OFFICER, "city_unit"),
    "officer:yc_unit": (Role.UNIT_OFFICER, "yc_unit"),
    "cppcc_staff": (Role.CPPCC_STAFF, "cppcc"),
}
ACCOUNTS_EXPECTED = {
    "admin": set(ACCOUNT_TARGETS),
    "jz_staff": {"deputy:city_deputy", "staff:city", "officer:city_unit"},
    "yc_staff": {"deputy:yc_deputy", "staff:yc", "station:yc", "officer:yc_unit"},
    "tg_staff": {"deputy:tg_deputy", "staff:tg"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_which_account(persona, users, objects):
    user = users[persona]
    actual = {
        key
        for key, (role, name) in ACCOUNT_TARGETS.items()
        if access.can(user, "user.create", (role, objects[name]))
    }
    assert actual == ACCOUNTS_EXPECTED.get(persona, set())
    assert access.can(user, "user.list") == (persona in ACCOUNTS_EXPECTED)
    assert access.can(user, "admin.site") == (persona == "admin")


def test_an_unknown_action_is_an_error_not_a_silent_no():
    with pytest.raises(LookupError):
        access.can(None, "deputy.teleport", None)


# --- Separation of duties (issue 15, "Access control") -------------------------------------------
# The administrator manages accounts and settings and reads everything; it takes no business
# action on a case of any kind (triage, assign, reply, sign off, conclude…). Each action listed
# is taken by someone in the demo data (the control), so the refusal is not an action nobody
# may take.
CASE_ACTIONS = [
    "case.manage",
    "case.triage",
    "case.assign",
    "case.return",
    "case.consult",
    "case.reply",
    "case.attach",
    "case.feedback",
    "case.evaluate",
    "case.rehandle",
    "case.supervise",
    "case.remind",
    "case.conclude",
    "case.derive",
]
KIND_ACTIONS = {
    ("suggestion", "motion"): [
        "suggestion.submit",
        "suggestion.review",
        "suggestion.reply",
        "suggestion.sign_off",
        "suggestion.evaluate",
        "suggestion.supervise",
        "suggestion.conclude",
        "motion.decide",
    ],
    ("proposal",): [
        "proposal.register",
        "proposal.reply",
        "proposal.sign_off",
        "proposal.evaluate",
        "proposal.conclude",
    ],
}


def _business_pairs():
    cases = list(Case.objects.select_related(None).order_by("pk"))
    for case in cases:
        for action in CASE_ACTIONS:
            yield action, case
        for kinds, actions in KIND_ACTIONS.items():
            if case.kind in kinds:
                for action in actions:
                    yield action, case


def test_the_administrator_takes_no_business_action(users):
    admin = users["admin"]
    assert access.grants(admin).is_admin
    pairs = list(_business_pairs())
    assert pairs
    taken = {(a, c.pk) for a, c in pairs if access.can(admin, a, c)}
    assert taken == set()
    # The control: every action is taken by some persona on some case of the demo data.
    others = [users[p] for p in PERSONAS if p != "admin"]
    done = {a for a, c in pairs if any(access.can(u, a, c) for u in others)}
    expected = set(CASE_ACTIONS) | {a for actions in KIND_ACTIONS.values() for a in actions}
    assert expected - done == set(), expected - done


# An office grants only roles within its own scope, never above it: no leader, no administrator,
# no other congress's or the CPPCC's staff, through the API that opens accounts.
ABOVE_TG = {
    "leader of the city": lambda o: {"role": Role.LEADER, "scope": "1407"},
    "leader of its own county": lambda o: {"role": Role.LEADER, "scope": "140703"},
    "system administrator": lambda o: {"role": Role.SYSTEM_ADMIN},
    "city congress staff": lambda o: {
        "role": Role.DEPUTY_AFFAIRS_STAFF,
        "scope": o["city_congress"].pk,
    },
    "CPPCC staff": lambda o: {"role": Role.CPPCC_STAFF, "scope": o["cppcc"].pk},
    "a city unit's officer": lambda o: {"role": Role.UNIT_OFFICER, "scope": o["city_unit"].pk},
    "a city deputy's login": lambda o: {"deputy": o["city_deputy"].pk},
}


@pytest.mark.parametrize("what", sorted(ABOVE_TG))
def test_an_office_cannot_grant_a_role_above_its_scope(what, api, objects):
    body = {"username": "new_one", "password": "Taigu-county-2026", **ABOVE_TG[what](objects)}
    r = api.as_user("tg_staff").post("/api/v1/users", body)
    assert r.status_code in (403, 404), r.json()
    assert not User.objects.filter(username="new_one").exists()


def test_an_office_grants_what_is_its_own(api, objects):
    body = {
        "username": "new_one",
        "password": "Taigu-county-2026",
        "role": Role.DEPUTY_AFFAIRS_STAFF,
        "scope": objects["tg_congress"].pk,
    }
    assert api.as_user("tg_staff").post("/api/v1/users", body).status_code == 201


def test_an_administrators_account_holds_no_business_role(users, objects):
    from django.test import Client

    from lianxin.accounts.actions import grant_role
    from lianxin.core.errors import ValidationFailed

    admin = users["admin"]
    with pytest.raises(ValidationFailed):
        grant_role(admin, Role.DEPUTY_AFFAIRS_STAFF, objects["city_congress"])
    staff = users["tg_staff"]
    with pytest.raises(ValidationFailed):
        grant_role(staff, Role.SYSTEM_ADMIN)
    assert not admin.roles.exclude(role=Role.SYSTEM_ADMIN).exists()

    page = Client()
    page.force_login(admin)
    r = page.post(
        "/admin/accounts/roleassignment/add/",
        {"user": staff.pk, "role": Role.SYSTEM_ADMIN},
    )
    assert r.status_code == 200 and "系统管理员账号不能同时持有业务角色" in r.content.decode()
    assert not staff.roles.filter(role=Role.SYSTEM_ADMIN).exists()


def _form_fields(html: str) -> dict:
    """The values a browser would send for the page's main form (inputs, selects, textareas)."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.select, self.textarea = {}, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") == "checkbox":
                    if "checked" in a:
                        self.data[name] = a.get("value", "on")
                else:
                    self.data[name] = a.get("value", "")
            elif tag == "select" and name:
                self.select = name
                self.data.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in a:
                self.data[self.select] = a.get("value", "")
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

    parser = Fields()
    parser.feed(html)
    return parser.data


def test_the_admin_refuses_the_superuser_flag_on_an_account_with_business_roles(users):
    from django.test import Client

    page = Client()
    page.force_login(users["admin"])
    staff = users["tg_staff"]
    url = f"/admin/accounts/user/{staff.pk}/change/"
    data = _form_fields(page.get(url).content.decode())
    assert data["username"] == "tg_staff"
    data["is_superuser"] = "on"
    r = page.post(url, data)
    assert r.status_code == 200, r.get("Location")
    assert "系统管理员账号不能同时持有业务角色" in r.content.decode()
    staff.refresh_from_db()
    assert not staff.is_superuser
    # The same form without the flag saves (the check is what refused it).
    del data["is_superuser"]
    assert page.post(url, data).status_code == 302
