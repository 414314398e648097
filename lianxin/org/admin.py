"""Django admin of the organisation (system administrators only, see lianxin.web.admin_site)."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from lianxin.core.errors import ValidationFailed
from lianxin.core.validators import clean_phone

from .models import Body, Congress, Cppcc, Deputy, Expertise, HandlingUnit, Member, Person, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "full_name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False


class BodyInline(admin.TabularInline):
    model = Body
    fk_name = "congress"
    fields = ["kind", "name"]
    extra = 0
    show_change_link = True


@admin.register(Congress)
class CongressAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "term", "deputy_count"]
    list_filter = ["level", "term"]
    search_fields = ["name", "region__code", "region__name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region"]
    inlines = [BodyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_deputies=Count("deputies"))

    @admin.display(description=_("代表数"), ordering="_deputies")
    def deputy_count(self, obj):
        return obj._deputies


@admin.register(Cppcc)
class CppccAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "term"]
    list_filter = ["level"]
    search_fields = ["name", "region__code", "region__name"]
    autocomplete_fields = ["region"]
    list_select_related = ["region"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "congress", "cppcc"]
    list_filter = ["kind"]
    search_fields = ["name", "congress__name", "cppcc__name"]
    autocomplete_fields = ["congress", "cppcc"]
    list_select_related = ["congress", "cppcc"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "region__code"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region", "parent"]


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class DeputySeatInline(admin.TabularInline):
    model = Deputy
    fields = ["congress", "term", "delegation", "electoral_unit", "status"]
    autocomplete_fields = ["congress", "delegation", "electoral_unit"]
    extra = 0
    show_change_link = True


class MemberSeatInline(admin.TabularInline):
    model = Member
    fields = ["cppcc", "term", "sector", "party_org", "is_standing_member", "status"]
    autocomplete_fields = ["cppcc", "sector", "party_org"]
    extra = 0
    show_change_link = True


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = "__all__"  # noqa: DJ007 — the admin lays out every field itself

    def clean_phone(self):
        try:
            return clean_phone(self.cleaned_data.get("phone"), field="phone", label=_("手机号码"))
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ["name", "gender", "birth_year", "occupation", "is_leading_cadre"]
    list_filter = ["gender", "is_leading_cadre", "expertise"]
    search_fields = ["name", "occupation", "phone"]
    filter_horizontal = ["expertise"]
    inlines = [DeputySeatInline, MemberSeatInline]


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["name", "congress", "term", "delegation", "electoral_unit", "status"]
    list_filter = ["status", "congress__level", "term"]
    search_fields = ["person__name", "person__occupation", "congress__name", "scan_code"]
    autocomplete_fields = ["person", "congress", "delegation", "electoral_unit", "committees"]
    list_select_related = ["person", "congress", "delegation", "electoral_unit"]
    readonly_fields = ["scan_code"]

    @admin.display(description=_("姓名"), ordering="person__name")
    def name(self, obj):
        return obj.person.name


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "cppcc", "term", "sector", "party_org", "is_standing_member", "status"]
    list_filter = ["status", "is_standing_member", "term"]
    search_fields = ["person__name", "person__occupation", "cppcc__name", "scan_code"]
    autocomplete_fields = ["person", "cppcc", "sector", "party_org"]
    list_select_related = ["person", "cppcc", "sector", "party_org"]
    readonly_fields = ["scan_code"]

    @admin.display(description=_("姓名"), ordering="person__name")
    def name(self, obj):
        return obj.person.name
