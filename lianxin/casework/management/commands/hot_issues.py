from django.core.management.base import BaseCommand

from lianxin.casework import hot
from lianxin.core.claims import single_pass
from lianxin.core.loops import Loop


class Command(BaseCommand):
    help = (
        "找出热点问题（同一县内反映同一问题的开放和近期案件），计算热度，推送给当地代表和相关委员。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, metavar="SECONDS", help="keep running, every SECONDS"
        )
        parser.add_argument("--no-push", action="store_true", help="compute only, push nothing")
        parser.add_argument(
            "--workers", type=int, default=1, help="processes sharing the counties (default 1)"
        )

    def handle(self, *args, every: int = 0, no_push: bool = False, workers: int = 1, **options):
        def step() -> None:
            with single_pass("hot_issues") as mine:
                if not mine:
                    self.stdout.write("另一台服务器正在计算，本轮跳过。")
                    return
                r = hot.compute(push_issues=not no_push, workers=workers)
                self.stdout.write(
                    f"案件 {r.cases} 件，热点问题 {r.issues} 个（新增 {r.created} 个，"
                    f"降温 {r.cooled} 个），推送 {r.pushed} 人次。"
                )

        if every <= 0:
            step()
            return
        Loop("hot_issues", step, every).run()
