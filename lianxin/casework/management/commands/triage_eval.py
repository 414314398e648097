from django.core.management.base import BaseCommand, CommandError

from lianxin.casework import triage


class Command(BaseCommand):
    help = (
        "评估分类建议模型：在 CSV 上打印宏平均 F1、各类 F1 和每秒处理条数；"
        "--split 时先按分层抽样留出一部分，用其余部分训练，只在留出部分上评估。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", metavar="FILE", required=True)
        parser.add_argument("--text", metavar="COL", required=True)
        parser.add_argument("--label", metavar="COL", required=True)
        parser.add_argument(
            "--split",
            type=float,
            default=0,
            metavar="SHARE",
            help="hold out this share (e.g. 0.2), train on the rest, evaluate on the held-out part",
        )
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, csv, text, label, split=0.0, seed=42, **opts):
        try:
            texts, labels = triage.read_csv(csv, text, label)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if split:
            train_t, train_y, texts, labels = triage.split(
                texts, labels, test_size=split, seed=seed
            )
            model = triage.train(train_t, {"category": train_y})
            self.stdout.write(
                f"训练 {len(train_t)} 条，用时 {model.info['seconds']} 秒；评估留出的 {len(texts)} 条。"
            )
        else:
            model = triage.current_model()
            if model is None:
                raise CommandError("暂无可用的分类模型：请先运行 manage.py triage_train。")
        result = triage.evaluate(model, texts, labels)
        self.stdout.write(f"宏平均 F1：{result.macro_f1:.4f}（{result.messages} 条）")
        for name, f1 in sorted(result.per_class.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  {name}：{f1:.4f}")
        self.stdout.write(
            f"把握不足不作建议：{result.abstained:.1%}；作出建议者的准确率：{result.accuracy_when_sure:.1%}"
        )
        self.stdout.write(
            f"速度：每秒 {result.messages_per_second:.0f} 条（单进程，整批）；"
            f"按本进程 CPU 时间每秒 {result.messages_per_cpu_second:.0f} 条"
        )
