"""The shared pieces for any seat move from suggestions to casework: co-sponsors, sign-off,
commitments, extension requests and satisfaction surveys. The tables keep their rows and are
renamed; the models' state moves here first (suggestions 0004 forgets them)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0008_case_origins"),
        ("suggestions", "0003_extension_withdrawn"),
        ("org", "0002_load_regions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='CoSponsor',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('invited', '待确认'), ('confirmed', '已确认'), ('declined', '已谢绝')], default='invited', max_length=16, verbose_name='状态')),
                    ('source', models.CharField(choices=[('invited', '联名邀请'), ('merged', '建议合并'), ('converted', '议案转建议')], default='invited', max_length=16, verbose_name='来源')),
                    ('invited_at', models.DateTimeField(auto_now_add=True, verbose_name='邀请时间')),
                    ('responded_at', models.DateTimeField(blank=True, null=True, verbose_name='确认时间')),
                    ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cosponsors', to='casework.case')),
                    ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cosponsorships', to='org.deputy', verbose_name='代表')),
                    ('recorded_by', models.ForeignKey(blank=True, help_text='工作人员代为登记书面确认时为该工作人员。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='确认人')),
                ],
                options={
                    'verbose_name': '联名代表',
                    'verbose_name_plural': '联名代表',
                    'ordering': ['case', 'id'],
                    'indexes': [models.Index(fields=['deputy', 'case'], name='cosponsor_deputy')],
                    'constraints': [models.UniqueConstraint(fields=('case', 'deputy'), name='one_cosponsorship_per_case')],
                    'db_table': 'suggestions_cosponsor',
                },
            ),
            migrations.CreateModel(
                name='ReplySignoff',
                fields=[
                    ('reply', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='signoff', serialize=False, to='casework.reply')),
                    ('approved', models.BooleanField(verbose_name='同意签发')),
                    ('signed_at', models.DateTimeField(auto_now_add=True, verbose_name='签发时间')),
                    ('note', models.TextField(blank=True, verbose_name='签发意见')),
                    ('signed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': '答复签发',
                    'verbose_name_plural': '答复签发',
                    'indexes': [],
                    'constraints': [],
                    'db_table': 'suggestions_replysignoff',
                },
            ),
            migrations.CreateModel(
                name='Commitment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('content', models.TextField(verbose_name='承诺事项')),
                    ('due_on', models.DateField(verbose_name='承诺完成时间')),
                    ('status', models.CharField(choices=[('pending', '待签发'), ('open', '待兑现'), ('kept', '已兑现'), ('not_kept', '未兑现'), ('void', '已作废')], default='pending', max_length=16, verbose_name='状态')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='销号时间')),
                    ('close_note', models.TextField(blank=True, verbose_name='兑现情况')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                    ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commitments', to='casework.case')),
                    ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('reply', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commitments', to='casework.reply')),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.handlingunit', verbose_name='承诺单位')),
                ],
                options={
                    'verbose_name': '承诺事项',
                    'verbose_name_plural': '承诺事项',
                    'ordering': ['due_on', 'id'],
                    'indexes': [models.Index(fields=['status', 'due_on'], name='commitment_status'), models.Index(fields=['unit', 'status'], name='commitment_unit')],
                    'constraints': [],
                    'db_table': 'suggestions_commitment',
                },
            ),
            migrations.CreateModel(
                name='ExtensionRequest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('reason', models.TextField(verbose_name='延期理由')),
                    ('due_before', models.DateField(verbose_name='原答复期限')),
                    ('requested_due', models.DateField(verbose_name='申请延至')),
                    ('status', models.CharField(choices=[('pending', '待审批'), ('approved', '已同意'), ('rejected', '不同意'), ('lapsed', '已失效'), ('withdrawn', '已撤回（交办已退回）')], default='pending', max_length=16, verbose_name='状态')),
                    ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='申请时间')),
                    ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审批时间')),
                    ('decision_note', models.TextField(blank=True, verbose_name='审批意见')),
                    ('approved_due', models.DateField(blank=True, null=True, verbose_name='批准延至')),
                    ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extension_requests', to='casework.assignment')),
                    ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extension_requests', to='casework.case')),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.handlingunit', verbose_name='申请单位')),
                ],
                options={
                    'verbose_name': '延期申请',
                    'verbose_name_plural': '延期申请',
                    'ordering': ['case', 'requested_at', 'id'],
                    'indexes': [models.Index(fields=['status', 'case'], name='extension_status')],
                    'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('case',), name='one_pending_extension_per_case')],
                    'db_table': 'suggestions_extensionrequest',
                },
            ),
            migrations.CreateModel(
                name='SurveyRound',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.PositiveSmallIntegerField(verbose_name='轮次')),
                    ('note', models.TextField(blank=True, verbose_name='测评说明')),
                    ('opened_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='开始时间')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                    ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_rounds', to='casework.case')),
                    ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('opened_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': '满意度测评',
                    'verbose_name_plural': '满意度测评',
                    'ordering': ['case', 'number'],
                    'indexes': [],
                    'constraints': [models.UniqueConstraint(fields=('case', 'number'), name='one_survey_per_number'), models.UniqueConstraint(condition=models.Q(('closed_at__isnull', True)), fields=('case',), name='one_open_survey_per_case')],
                    'db_table': 'suggestions_surveyround',
                },
            ),
            migrations.CreateModel(
                name='SurveyAnswer',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('rating', models.CharField(blank=True, choices=[('satisfied', '满意'), ('basically_satisfied', '基本满意'), ('dissatisfied', '不满意')], max_length=32, verbose_name='测评结果')),
                    ('comment', models.TextField(blank=True, verbose_name='意见')),
                    ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='填写时间')),
                    ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.deputy', verbose_name='代表')),
                    ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='casework.surveyround')),
                ],
                options={
                    'verbose_name': '满意度测评答卷',
                    'verbose_name_plural': '满意度测评答卷',
                    'ordering': ['round', 'id'],
                    'indexes': [],
                    'constraints': [models.UniqueConstraint(fields=('round', 'deputy'), name='one_answer_per_deputy')],
                    'db_table': 'suggestions_surveyanswer',
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='cosponsor', table=None),
        migrations.AlterModelTable(name='replysignoff', table=None),
        migrations.AlterModelTable(name='commitment', table=None),
        migrations.AlterModelTable(name='extensionrequest', table=None),
        migrations.AlterModelTable(name='surveyround', table=None),
        migrations.AlterModelTable(name='surveyanswer', table=None),
    ]
