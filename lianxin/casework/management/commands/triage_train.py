from django.core.management.base import BaseCommand, CommandError

from lianxin.casework import triage


class Command(BaseCommand):
    help = (
        "训练分类建议模型：用平台过往的梳理、交办决定和人工纠正，可另加外部 CSV 数据；"
        "模型写入 settings.LIANXIN_TRIAGE_MODEL。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", metavar="FILE", help="outside data: a UTF-8 CSV with a header")
        parser.add_argument("--text", metavar="COL", help="the CSV column of the message text")
        parser.add_argument("--label", metavar="COL", help="the CSV column of the category")
        parser.add_argument("--no-db", action="store_true", help="train on the CSV only")
        parser.add_argument("--output", metavar="FILE", help="write here instead of the setting")

    def handle(self, *args, csv=None, text=None, label=None, no_db=False, output=None, **opts):
        texts, labels, weights = ([], {"category": [], "unit": []}, [])
        if not no_db:
            texts, labels, weights = triage.training_rows()
            self.stdout.write(f"平台数据 {len(texts)} 条（含人工纠正）。")
        if csv:
            if not (text and label):
                raise CommandError("使用 --csv 时须同时给出 --text 和 --label。")
            try:
                more, more_labels = triage.read_csv(csv, text, label)
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from None
            texts += more
            labels["category"] += more_labels
            labels["unit"] += [None] * len(more)
            weights += [1.0] * len(more)
            self.stdout.write(f"外部数据 {len(more)} 条。")
        if len({c for c in labels["category"] if c}) < 2:
            raise CommandError("训练数据不足：至少需要两个类别的已梳理事项。")
        model = triage.train(texts, labels, weights=weights)
        path = triage.Path(output) if output else triage.model_path()
        model.save(path)
        heads = "，".join(
            f"{name} {len(h.classes)} 类 {model.info.get(name + '.examples', 0)} 条"
            for name, h in model.heads.items()
        )
        self.stdout.write(f"已训练（{heads}），用时 {model.info['seconds']} 秒，写入 {path}。")
