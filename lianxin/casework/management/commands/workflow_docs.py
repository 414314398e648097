from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from lianxin.casework.workflow import workflows


class Command(BaseCommand):
    help = "根据各类案件的 workflow.py 生成 docs/workflows/<kind>.md（Mermaid 状态图）。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查文档是否为最新")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "workflows"))

    def handle(self, *args, check: bool, out: str, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        stale = []
        for wf in sorted(workflows(), key=lambda w: w.kind):
            path = folder / f"{wf.kind}.md"
            text = wf.markdown()
            if check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    stale.append(path.name)
                continue
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"{path}")
        if stale:
            self.stderr.write("过期的流程文档 (stale): " + ", ".join(stale))
            raise SystemExit(1)
