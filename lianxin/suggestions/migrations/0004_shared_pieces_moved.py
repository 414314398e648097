"""Co-sponsors, sign-off, commitments, extension requests and surveys now live in casework
(casework 0009 took their tables over); only the models' state is removed here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0003_extension_withdrawn"),
        ("casework", "0009_shared_pieces_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='SurveyAnswer'),
                migrations.DeleteModel(name='SurveyRound'),
                migrations.DeleteModel(name='ExtensionRequest'),
                migrations.DeleteModel(name='Commitment'),
                migrations.DeleteModel(name='ReplySignoff'),
                migrations.DeleteModel(name='CoSponsor'),
            ],
            database_operations=[],
        ),
    ]
