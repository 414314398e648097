"""Small readers of the rendered pages, so tests look at what a person sees."""

from __future__ import annotations

import html
import re

from django.test import Client


def client_for(users, username: str) -> Client:
    client = Client()
    client.force_login(users[username])
    return client


def text(response) -> str:
    """The visible text of the page's main part, tags removed and spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    if "<main" in body:
        body = body.split("<main", 1)[1]
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def cells(response, label: str) -> list[str]:
    """The text of every table cell labelled `label` (the data-label of the list tables)."""
    found = re.findall(
        rf'<td[^>]*data-label="{re.escape(label)}"[^>]*>(.*?)</td>', response.content.decode(), re.S
    )
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", c))).strip() for c in found]


def deputy_links(response) -> list[int]:
    """Ids of the deputies whose profile a list links to, in order."""
    return [int(m) for m in re.findall(r'href="/deputies/(\d+)/"', response.content.decode())]
