from django.shortcuts import render

from lianxin.org.models import Deputy


def scan_to_speak(request, code: str):
    deputy = (
        Deputy.objects.select_related("person", "congress").filter(scan_code=code.upper()).first()
    )
    return render(
        request, "opinions/scan_to_speak.html", {"deputy": deputy}, status=200 if deputy else 404
    )
