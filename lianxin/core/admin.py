import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .auditexport import export
from .models import AuditLog


class ExportForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("起始日期"))
    end = forms.DateField(label=gettext_lazy("截止日期（不含）"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError(_("截止日期应晚于起始日期。"))
        return data


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "seat", "ip", "target"]
    list_filter = ["kind"]
    search_fields = ["username", "target"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        own = [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="core_auditlog_export",
            )
        ]
        return own + super().get_urls()

    def export_view(self, request):
        """The assessor's export: the audit of a period as Excel (core.auditexport)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            start = timezone.make_aware(dt.datetime.combine(form.cleaned_data["start"], dt.time()))
            end = timezone.make_aware(dt.datetime.combine(form.cleaned_data["end"], dt.time()))
            data = export(start, end, request=request)
            response = HttpResponse(
                data,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            name = f"audit-{form.cleaned_data['start']}-{form.cleaned_data['end']}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": _("导出审计记录"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/core/auditlog/export.html", context)
